/**
 * A child process for the crash test: runs the skill against Dovecot with a fake router that
 * logs every request to a file, and hangs (printing "hanging") on request number `hangAt`, so
 * the parent can SIGKILL it mid-batch.
 *
 * Usage: extract-child.ts <db> <host> <port> <user> <password> <request-log> <hangAt|-1>
 */
import { appendFileSync } from 'node:fs';
import { openStore } from '../../memory/store.ts';
import { createEmailExtractSkill } from '../../skills/email-extract/skill.ts';
import { aFakeRouter, anAccount, anExtractionJson, aSkillContext, subjectOf } from './builders.ts';

const [databasePath, host, port, user, password, requestLog, hangAt] = process.argv.slice(2);
const db = openStore(databasePath);
const router = aFakeRouter(async (routed, index) => {
  appendFileSync(requestLog, `${subjectOf(routed)}\n`);
  if (index === Number(hangAt)) {
    process.stdout.write('hanging\n');
    await new Promise(() => {});
  }
  return anExtractionJson({ summary: `About ${subjectOf(routed)}` });
});
const skill = createEmailExtractSkill({
  accounts: { home: anAccount({ host, port: Number(port), user, password }) },
});
const result = await skill.run(aSkillContext(db, router), new AbortController().signal);
db.close();
process.stdout.write(`done: ${result.summary}\n`);
