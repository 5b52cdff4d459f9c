/** batch holds the batch/v1 describers: Job and CronJob (with its job template). */
import type { KubeObject } from '../api/types';
import { get, has, num, optBool, optNum, optStr, str } from '../apiserver/printers/fields';
import { parseTime } from '../apiserver/printers/format';
import { humanDuration } from '../apiserver/printers/duration';
import { labelSelectorString } from '../apiserver/printers/labelSelector';
import { type DescribeContext, getObject } from './context';
import { describeEvents, refOf, searchEvents } from './events';
import { annotationsOf, items, labelsOf, printAnnotationsMultiline, printBool, printController, printLabelsMultiline } from './multiline';
import { describePodTemplate } from './podTemplate';
import { tabbedString, type PrefixWriter } from './prefixWriter';
import { CRONJOBS, JOBS } from './refs';
import { rfc1123z } from './timeFormat';

/** capIndexesListOrNone cuts a completed-indexes list after the first comma past softLimit characters. */
export function capIndexesListOrNone(indexes: string, softLimit: number): string {
  if (indexes === '') return '<none>';
  let ix = softLimit;
  while (ix < indexes.length && indexes[ix] !== ',') ix++;
  return ix >= indexes.length ? indexes : `${indexes.slice(0, ix + 1)}...`;
}

function describeJobSpec(job: KubeObject, w: PrefixWriter): void {
  const spec = get(job, 'spec');
  const parallelism = optNum(spec, 'parallelism');
  if (parallelism !== undefined) w.write(0, `Parallelism:\t${parallelism}\n`);
  const completions = optNum(spec, 'completions');
  w.write(0, completions === undefined ? 'Completions:\t<unset>\n' : `Completions:\t${completions}\n`);
  const mode = optStr(spec, 'completionMode');
  if (mode !== undefined) w.write(0, `Completion Mode:\t${mode}\n`);
  const suspend = optBool(spec, 'suspend');
  if (suspend !== undefined) w.write(0, `Suspend:\t${suspend}\n`);
  const backoff = optNum(spec, 'backoffLimit');
  if (backoff !== undefined) w.write(0, `Backoff Limit:\t${backoff}\n`);
  const ttl = optNum(spec, 'ttlSecondsAfterFinished');
  if (ttl !== undefined) w.write(0, `TTL Seconds After Finished:\t${ttl}\n`);
}

function describeJobStatus(job: KubeObject, w: PrefixWriter, ctx: DescribeContext): void {
  const status = get(job, 'status');
  const start = parseTime(get(status, 'startTime'));
  const done = parseTime(get(status, 'completionTime'));
  if (has(status, 'startTime')) w.write(0, `Start Time:\t${rfc1123z(get(status, 'startTime'), ctx.zone)}\n`);
  if (has(status, 'completionTime')) w.write(0, `Completed At:\t${rfc1123z(get(status, 'completionTime'), ctx.zone)}\n`);
  if (has(status, 'startTime') && has(status, 'completionTime')) w.write(0, `Duration:\t${humanDuration((done ?? 0) - (start ?? 0))}\n`);
  const deadline = optNum(job, 'spec', 'activeDeadlineSeconds');
  if (deadline !== undefined) w.write(0, `Active Deadline Seconds:\t${deadline}s\n`);
  const ready = optNum(status, 'ready');
  const active = num(status, 'active');
  const tail = `${num(status, 'succeeded')} Succeeded / ${num(status, 'failed')} Failed`;
  w.write(0, ready === undefined ? `Pods Statuses:\t${active} Active / ${tail}\n` : `Pods Statuses:\t${active} Active (${ready} Ready) / ${tail}\n`);
  if (str(job, 'spec', 'completionMode') === 'Indexed') w.write(0, `Completed Indexes:\t${capIndexesListOrNone(str(status, 'completedIndexes'), 50)}\n`);
}

/** describeJobObject is the JobDescriber. */
export async function describeJobObject(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const job = await getObject(ctx, JOBS, namespace, name);
  const events = await searchEvents(ctx, refOf(job, 'Job'));
  return tabbedString((w) => {
    w.write(0, `Name:\t${name}\n`);
    w.write(0, `Namespace:\t${job.metadata.namespace ?? ''}\n`);
    const selector = labelSelectorString(get(job, 'spec', 'selector'));
    w.write(0, selector === undefined ? 'Selector:\tFailed to get selector\n' : `Selector:\t${selector}\n`);
    printLabelsMultiline(w, 'Labels', labelsOf(job));
    printAnnotationsMultiline(w, 'Annotations', annotationsOf(job));
    const controlledBy = printController(job);
    if (controlledBy) w.write(0, `Controlled By:\t${controlledBy}\n`);
    describeJobSpec(job, w);
    describeJobStatus(job, w, ctx);
    describePodTemplate(get(job, 'spec', 'template'), w, ctx.zone);
    describeEvents(events, w, ctx.now);
  });
}

function describeJobTemplate(template: unknown, w: PrefixWriter, ctx: DescribeContext): void {
  const spec = get(template, 'spec');
  w.write(0, has(spec, 'selector') ? `Selector:\t${labelSelectorString(get(spec, 'selector')) ?? ''}\n` : 'Selector:\t<unset>\n');
  const parallelism = optNum(spec, 'parallelism');
  w.write(0, parallelism === undefined ? 'Parallelism:\t<unset>\n' : `Parallelism:\t${parallelism}\n`);
  const completions = optNum(spec, 'completions');
  w.write(0, completions === undefined ? 'Completions:\t<unset>\n' : `Completions:\t${completions}\n`);
  const deadline = optNum(spec, 'activeDeadlineSeconds');
  if (deadline !== undefined) w.write(0, `Active Deadline Seconds:\t${deadline}s\n`);
  describePodTemplate(get(spec, 'template'), w, ctx.zone);
}

function optionalCount(title: string, v: number | undefined, suffix = ''): string {
  return v === undefined ? `${title}:\t<unset>\n` : `${title}:\t${v}${suffix}\n`;
}

/** describeCronJobObject is the CronJobDescriber. */
export async function describeCronJobObject(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const cj = await getObject(ctx, CRONJOBS, namespace, name);
  const events = await searchEvents(ctx, refOf(cj, 'CronJob'));
  return tabbedString((w) => {
    const spec = get(cj, 'spec');
    w.write(0, `Name:\t${name}\n`);
    w.write(0, `Namespace:\t${cj.metadata.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', labelsOf(cj));
    printAnnotationsMultiline(w, 'Annotations', annotationsOf(cj));
    w.write(0, `Schedule:\t${str(spec, 'schedule')}\n`);
    w.write(0, `Concurrency Policy:\t${str(spec, 'concurrencyPolicy')}\n`);
    const suspend = optBool(spec, 'suspend');
    w.write(0, `Suspend:\t${suspend === undefined ? '<unset>' : printBool(suspend)}\n`);
    w.write(0, optionalCount('Successful Job History Limit', optNum(spec, 'successfulJobsHistoryLimit')));
    w.write(0, optionalCount('Failed Job History Limit', optNum(spec, 'failedJobsHistoryLimit')));
    w.write(0, optionalCount('Starting Deadline Seconds', optNum(spec, 'startingDeadlineSeconds'), 's'));
    describeJobTemplate(get(spec, 'jobTemplate'), w, ctx);
    const last = get(cj, 'status', 'lastScheduleTime');
    w.write(0, has(cj, 'status', 'lastScheduleTime') ? `Last Schedule Time:\t${rfc1123z(last, ctx.zone)}\n` : 'Last Schedule Time:\t<unset>\n');
    w.write(0, 'Active Jobs:\t');
    const active = items(cj, 'status', 'active');
    if (active.length === 0) w.writeLine('<none>');
    else {
      w.write(0, active.map((j) => str(j, 'name')).join(', '));
      w.writeLine('');
    }
    describeEvents(events, w, ctx.now);
  });
}
