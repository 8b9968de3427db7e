/**
 * The write gate: what a tool call asked for by a model may do. The model is assumed to obey
 * whoever wrote the content in its context, so the answer depends only on code and config:
 * - a read-only tool runs;
 * - a write tool the job was not granted (`jobs.<name>.grants.tools`), or a write outside the
 *   granted repositories, commands or recipients, is refused;
 * - a granted write from a context that holds untrusted content (mail, calendar invitations,
 *   pages, feeds, market data, tool output, anything recalled from them) becomes a proposal for
 *   the owner, never an action; one that cannot be stated as a proposal is refused;
 * - a granted write from a context holding only the owner's text runs.
 */
import type { Grants } from '../config/schema.ts';
import { grantsCommand, grantsRecipient, grantsRepository, grantsTool } from '../config/grants.ts';
import type { ProposedWrite, SkillTool } from '../skills/types.ts';

export type GateDecision =
  | { action: 'run' }
  | { action: 'propose'; write: ProposedWrite }
  | { action: 'refuse'; reason: string };

export interface GateInput {
  tool: SkillTool;
  args: Record<string, unknown>;
  /** The job's grants; undefined grants every tool handed in (a caller that built the tool list itself). */
  grants?: Grants;
  /** The owner's own address (`mail.smtp.to`): always a permitted recipient. */
  owner?: string;
  /** The context holds untrusted content. */
  untrusted: boolean;
  job?: string;
}

/** True for a tool that declares itself read-only; every other tool is a write. */
export function isReadOnly(tool: SkillTool): boolean {
  return tool.effect === 'read';
}

export function gateToolCall(input: GateInput): GateDecision {
  const { tool, args, grants } = input;
  if (isReadOnly(tool)) return { action: 'run' };
  const name = tool.definition.name;
  const where = input.job ? `jobs.${input.job}.grants` : 'the job\'s grants';
  if (grants && !grantsTool(grants, name)) return { action: 'refuse', reason: `tool "${name}" is not granted to this job (${where}.tools)` };
  const write = tool.propose?.(args);
  if (write && grants) {
    const outside = outsideGrants(write, grants, input.owner);
    if (outside) return { action: 'refuse', reason: `${outside} is not granted to this job (${where})` };
  }
  if (!input.untrusted) return { action: 'run' };
  if (!write) return { action: 'refuse', reason: `"${name}" writes, this context holds untrusted content, and these arguments cannot be proposed to the owner` };
  return { action: 'propose', write };
}

/** What in `write` lies outside the grants, or undefined when it is all granted. */
function outsideGrants(write: ProposedWrite, grants: Grants, owner: string | undefined): string | undefined {
  const { payload } = write;
  if (typeof payload.repo === 'string' && !grantsRepository(grants, payload.repo)) return `repository ${payload.repo}`;
  if (Array.isArray(payload.argv) && !grantsCommand(grants, payload.argv.map(String))) return `command ${JSON.stringify(payload.argv)}`;
  const recipients = [payload.to, payload.cc, payload.bcc].flat().filter((value): value is string => typeof value === 'string');
  const stranger = recipients.find((address) => !grantsRecipient(grants, address, owner));
  if (stranger) return `recipient ${stranger}`;
  return undefined;
}
