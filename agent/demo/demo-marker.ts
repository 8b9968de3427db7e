/** The file that marks a directory as the demo's own, so a re-run may wipe it and `--demo` may read it. */
export const DEMO_MARKER = '.switchboard-demo';
