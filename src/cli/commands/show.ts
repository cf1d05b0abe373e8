import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseSavedPlan } from '../../plan/saved.js';
import { renderPlanJson } from '../../render/json.js';
import { renderPlanMarkdown } from '../../render/markdown.js';
import { renderPlanText } from '../../render/text.js';
import type { ShowArgs } from '../args.js';
import type { CliIo } from '../io.js';
import { styleFor } from '../session.js';

/** `cekuraform show PLANFILE`: prints a saved plan as `plan` printed it (text, Markdown or JSON); sends no request. */
export async function showCommand(args: ShowArgs, io: CliIo): Promise<number> {
  const { plan } = parseSavedPlan(await readFile(resolve(io.cwd, args.planFile), 'utf8'), args.planFile);
  if (args.json) io.stdout.write(renderPlanJson(plan));
  else if (args.markdown) io.stdout.write(renderPlanMarkdown(plan));
  else io.stdout.write(renderPlanText(plan, styleFor(args, io.stdout, io)));
  return 0;
}
