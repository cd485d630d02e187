/**
 * Progress on stderr, so stdout keeps only the table: a one-line bar redrawn in place on a
 * TTY, plain lines otherwise (CI logs, pipes), where a redrawn bar would be noise.
 */
export class Progress {
  readonly #stream: NodeJS.WriteStream;
  readonly #tty: boolean;
  readonly #started = Date.now();
  #total: number;
  #done = 0;
  #label = '';
  #lastPlain = '';

  constructor(total: number, stream: NodeJS.WriteStream = process.stderr) {
    this.#total = Math.max(1, total);
    this.#stream = stream;
    this.#tty = stream.isTTY === true && !process.env.CI;
  }

  /** Moves the bar by `steps` (capped at the total) and shows what is running now. */
  advance(steps = 1, label?: string): void {
    this.#done = Math.min(this.#total, this.#done + steps);
    if (label !== undefined) this.#label = label;
    this.#draw();
  }

  /** Shows what is running without moving the bar. */
  status(label: string): void {
    this.#label = label;
    if (this.#tty) this.#draw();
  }

  /** Jumps to an absolute count, e.g. the end of a scenario that took fewer steps than planned. */
  reach(done: number): void {
    this.#done = Math.min(this.#total, Math.max(this.#done, done));
    this.#draw();
  }

  get done(): number {
    return this.#done;
  }

  /** A message that stays on screen above the bar. */
  log(message: string): void {
    if (this.#tty) this.#stream.write(`\r\x1b[K${message}\n`);
    else this.#stream.write(`${message}\n`);
    this.#draw();
  }

  finish(): void {
    if (this.#tty) this.#stream.write('\r\x1b[K');
  }

  #draw(): void {
    const pct = Math.floor((this.#done / this.#total) * 100);
    const elapsed = `${Math.round((Date.now() - this.#started) / 1000)}s`;
    if (this.#tty) {
      const columns = this.#stream.columns ?? 100;
      const barWidth = 24;
      const filled = Math.round((this.#done / this.#total) * barWidth);
      const line = `[${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}] ${String(pct).padStart(3)}% ${elapsed.padStart(5)}  ${this.#label}`;
      this.#stream.write(`\r\x1b[K${line.slice(0, columns - 1)}`);
      return;
    }
    const line = `[${String(pct).padStart(3)}%] ${this.#label}`;
    if (line !== this.#lastPlain) {
      this.#lastPlain = line;
      this.#stream.write(`${line} (${elapsed})\n`);
    }
  }
}
