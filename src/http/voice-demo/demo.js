// The web voice channel from a browser: open a session (or take a pasted token), stream the microphone as PCM16
// 16 kHz over the socket, play the agent's audio and show the live transcript. Protocol: README, "Web voice channel".
const API = new URL('../../', import.meta.url).pathname;
const SAMPLE_RATE = 16000;

const $ = (id) => document.getElementById(id);
const apiKeyInput = $('api-key');
const agentSelect = $('agent');
const tokenInput = $('session-token');
const talkButton = $('talk');
const hangUpButton = $('hangup');
const statusLine = $('status');
const transcript = $('transcript');

function setStatus(state, text) {
  statusLine.dataset.state = state;
  statusLine.textContent = text;
}

async function api(path, init = {}) {
  const response = await fetch(`${API}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', 'x-api-key': apiKeyInput.value.trim(), ...init.headers },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
  return body;
}

let agentsKey = '';
async function loadAgents() {
  // The field fires change again when it loses focus; the list is kept unless the key changed.
  if (apiKeyInput.value.trim() === agentsKey) return;
  agentsKey = apiKeyInput.value.trim();
  agentSelect.disabled = true;
  agentSelect.replaceChildren(new Option('Loading…', ''));
  try {
    const agents = await api('dashboard/agents');
    agentSelect.replaceChildren(...agents.map((a) => new Option(`${a.name}${a.status === 'active' ? '' : ` (${a.status})`}`, a._id)));
    agentSelect.disabled = agents.length === 0;
    if (agents.length === 0) agentSelect.replaceChildren(new Option('No agents', ''));
  } catch (error) {
    agentSelect.replaceChildren(new Option(error.message, ''));
  }
}
apiKeyInput.addEventListener('change', () => void loadAgents());

/** A pasted token opens the socket on this server; with an API key the page asks for a session first. */
async function socketUrl() {
  const pasted = tokenInput.value.trim();
  if (pasted) {
    const url = new URL(`${API}voice/ws`, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', pasted);
    return url.toString();
  }
  if (!agentSelect.value) throw new Error('Pick an agent (enter an API key) or paste a session token');
  const session = await api('voice/sessions', { method: 'POST', body: JSON.stringify({ agentId: agentSelect.value }) });
  // The session names the public origin; this page may be served under another one (e.g. localhost).
  const url = new URL(session.wsUrl);
  if (url.host !== location.host) {
    url.host = location.host;
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  }
  return url.toString();
}

/** Schedules agent audio chunks back to back; `interrupted` stops what is queued. */
class Player {
  constructor(context) {
    this.context = context;
    this.playAt = 0;
    this.sources = new Set();
  }

  play(bytes) {
    const samples = new Int16Array(bytes);
    if (samples.length === 0) return;
    const buffer = this.context.createBuffer(1, samples.length, SAMPLE_RATE);
    const channel = buffer.getChannelData(0);
    for (let i = 0; i < samples.length; i++) channel[i] = samples[i] / 0x8000;
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.context.destination);
    this.playAt = Math.max(this.playAt, this.context.currentTime + 0.03);
    source.start(this.playAt);
    this.playAt += buffer.duration;
    this.sources.add(source);
    source.onended = () => this.sources.delete(source);
  }

  stop() {
    for (const source of this.sources) source.stop();
    this.sources.clear();
    this.playAt = 0;
  }
}

let call = null;

function showLine({ role, text, final }) {
  let interim = transcript.querySelector('li.interim');
  if (!final && role === 'user') {
    if (!interim) {
      interim = document.createElement('li');
      interim.className = 'user interim';
      transcript.append(interim);
    }
    interim.textContent = text;
    return;
  }
  if (role === 'user' && interim) interim.remove();
  const line = document.createElement('li');
  line.className = role;
  line.textContent = text;
  transcript.append(line);
}

async function talk() {
  talkButton.disabled = true;
  setStatus('connecting', 'Connecting…');
  try {
    const url = await socketUrl();
    const media = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: false, autoGainControl: false },
    });
    const context = new AudioContext({ sampleRate: SAMPLE_RATE });
    await context.audioWorklet.addModule(new URL('capture-worklet.js', import.meta.url));
    const microphone = context.createMediaStreamSource(media);
    const capture = new AudioWorkletNode(context, 'voicex-capture');
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    const player = new Player(context);
    call = { ws, media, context };
    let ready = false;

    capture.port.onmessage = ({ data }) => {
      if (ready && ws.readyState === WebSocket.OPEN) ws.send(data);
    };
    microphone.connect(capture);
    ws.onopen = () => ws.send(JSON.stringify({ type: 'start', format: 'pcm16' }));
    ws.onmessage = ({ data }) => {
      if (data instanceof ArrayBuffer) return player.play(data);
      const message = JSON.parse(data);
      switch (message.type) {
        case 'ready':
          ready = true;
          hangUpButton.disabled = false;
          setStatus('live', `Connected (call ${message.callId}). Speak.`);
          break;
        case 'transcript':
          showLine(message);
          break;
        case 'agentSpeaking':
          statusLine.dataset.speaking = String(message.speaking);
          break;
        case 'interrupted':
          player.stop();
          break;
        case 'callEnded':
          setStatus('ended', `Call ended: ${message.reason}.`);
          break;
        case 'error':
          setStatus('error', `Error: ${message.message}`);
          break;
      }
    };
    ws.onclose = (event) => {
      if (statusLine.dataset.state !== 'ended' && statusLine.dataset.state !== 'error') {
        setStatus('ended', `Disconnected (${event.code}${event.reason ? `: ${event.reason}` : ''}).`);
      }
      finish();
    };
  } catch (error) {
    setStatus('error', `Error: ${error.message}`);
    finish();
  }
}

function finish() {
  if (call) {
    for (const track of call.media.getTracks()) track.stop();
    void call.context.close();
    call = null;
  }
  talkButton.disabled = false;
  hangUpButton.disabled = true;
  statusLine.dataset.speaking = 'false';
}

talkButton.addEventListener('click', () => void talk());
hangUpButton.addEventListener('click', () => {
  if (call && call.ws.readyState === WebSocket.OPEN) call.ws.send(JSON.stringify({ type: 'stop' }));
});
