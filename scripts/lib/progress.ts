/**
 * What a command-line script is doing right now, on stderr so stdout stays the script's output: a spinner with the
 * elapsed time on a terminal, one plain line per new status otherwise (CI logs, pipes).
 */
import type { WriteStream } from 'node:tty';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const REDRAW_MS = 80;

export class Progress {
  private text: string | null = null;
  private since = 0;
  private tick = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {}

  private get live(): boolean {
    return Boolean(this.out.isTTY);
  }

  /** Shows what is going on until the next status or `done()`. */
  status(text: string): void {
    if (text === this.text) return;
    this.text = text;
    this.since = Date.now();
    if (!this.live) {
      this.out.write(`… ${text}\n`);
      return;
    }
    this.timer ??= setInterval(() => this.draw(), REDRAW_MS);
    this.draw();
  }

  /** Prints a lasting line to `to` (stdout by default) without tearing the status line. */
  print(line: string, to: NodeJS.WriteStream = process.stdout): void {
    this.erase();
    to.write(`${line}\n`);
    if (this.text !== null && this.live) this.draw();
  }

  done(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.erase();
    this.text = null;
  }

  private draw(): void {
    if (this.text === null) return;
    const seconds = ((Date.now() - this.since) / 1000).toFixed(1);
    const frame = SPINNER[this.tick++ % SPINNER.length];
    const line = `${frame} ${this.text} ${seconds} s`;
    const width = (this.out as WriteStream).columns ?? 80;
    this.out.write(`\r\x1b[2K${line.slice(0, width - 1)}`);
  }

  private erase(): void {
    if (this.live && this.text !== null) this.out.write('\r\x1b[2K');
  }
}
