import type { ChatMessage } from '../../providers/types';

export interface HistoryBounds {
  /** Caller/agent exchanges kept; older ones are dropped first. */
  maxTurns: number;
  /** Characters of history kept (roughly 4 per token); the newest message is always kept, cut if need be. */
  maxChars: number;
}

/**
 * What the model is shown of the call so far: only what was actually said and heard, consecutive messages of one
 * role merged (a caller who paused mid-thought, an answer followed by an apology), bounded so a long call neither
 * blows the context window nor the per-turn latency.
 */
export class ChatHistory {
  private readonly messages: ChatMessage[] = [];

  add(role: 'user' | 'assistant', text: string): void {
    const content = text.trim();
    if (!content) return;
    const last = this.messages[this.messages.length - 1];
    if (last && last.role === role) last.content = `${last.content} ${content}`;
    else this.messages.push({ role, content });
  }

  /** The request messages: system prompt first, then the newest history that fits the bounds. */
  toRequest(systemPrompt: string, bounds: HistoryBounds): ChatMessage[] {
    const kept: ChatMessage[] = [];
    let chars = 0;
    let userMessages = 0;
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const message = this.messages[i]!;
      if (message.role === 'user') userMessages++;
      if (kept.length > 0 && (userMessages > bounds.maxTurns || chars + message.content.length > bounds.maxChars)) {
        break;
      }
      const room = bounds.maxChars - chars;
      const content =
        message.content.length > room ? `…${message.content.slice(message.content.length - room)}` : message.content;
      kept.unshift({ role: message.role, content });
      chars += content.length;
    }
    return [{ role: 'system', content: systemPrompt }, ...kept];
  }

  get size(): number {
    return this.messages.length;
  }
}
