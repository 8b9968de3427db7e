/**
 * The skills a process can run, built explicitly at start-up (nothing registers itself on
 * import). Jobs name a skill by its key; an unknown name fails that job's runs with a clear
 * error and is reported by `validateJobs` at config-check time.
 */
import type { Config } from '../config/schema.ts';
import type { Logger } from './logger.ts';
import type { Skill } from '../skills/types.ts';
import { createCommandSkill } from '../skills/command/index.ts';

export interface SkillRegistryDeps {
  config: Config;
  dataDir: string;
  logger: Logger;
  /**
   * Seam for the lead: extra skills built by the caller (briefing, inbox, …) with their own
   * deps (mail, calendar, git clients). They are added after the built-ins; a name clash throws.
   */
  extraSkills?: Skill[];
}

/** A fresh map from skill name to skill. Throws when two skills share a name. */
export function createSkillRegistry(deps: SkillRegistryDeps): Map<string, Skill> {
  const skills = new Map<string, Skill>();
  for (const skill of [createCommandSkill(), ...(deps.extraSkills ?? [])]) {
    if (skills.has(skill.name)) throw new Error(`two skills are named "${skill.name}"`);
    skills.set(skill.name, skill);
  }
  return skills;
}
