#!/usr/bin/env node
// Entry point for the `switchboard` command: TypeScript is loaded through tsx so that
// the repository runs as checked out, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../agent/cli/main.ts');
process.exitCode = await main(process.argv);
