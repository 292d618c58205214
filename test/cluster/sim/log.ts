// One line per state change, never per request: each subject's last described state is kept,
// and a line is printed only when the description changes (or the subject goes away).

export type LogLine = (line: string) => void;

export function stdoutLog(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

export class StateLog {
  private readonly last = new Map<string, string>();

  constructor(private readonly out: LogLine) {}

  /** Report the state of every subject of one kind; subjects not reported are logged as gone. */
  report(kind: string, states: Map<string, string>): void {
    for (const [subject, state] of states) {
      const key = `${kind} ${subject}`;
      if (this.last.get(key) !== state) {
        this.last.set(key, state);
        this.out(`${key}: ${state}`);
      }
    }
    for (const key of [...this.last.keys()]) {
      if (key.startsWith(`${kind} `) && !states.has(key.slice(kind.length + 1))) {
        this.last.delete(key);
        this.out(`${key}: gone`);
      }
    }
  }
}
