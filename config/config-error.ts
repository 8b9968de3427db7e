/**
 * The one error config loading throws: every line names the file, the key path and the
 * problem. Its own module so the CLI can recognise it without loading the config machinery.
 */
export interface ConfigIssue {
  /** Dotted key path, e.g. `jobs.morning-briefing.schedule`; empty for the whole file. */
  path: string;
  message: string;
}

export class ConfigError extends Error {
  readonly file: string;
  readonly issues: ConfigIssue[];
  constructor(file: string, issues: ConfigIssue[]) {
    const lines = issues.map((issue) => `  ${issue.path || '(file)'}: ${issue.message}`);
    super(`invalid config ${file}:\n${lines.join('\n')}`);
    this.name = 'ConfigError';
    this.file = file;
    this.issues = issues;
  }
}
