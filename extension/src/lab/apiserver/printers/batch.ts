/**
 * batch holds the printers.go handlers for jobs and cron jobs.
 */
import { humanDuration } from './duration';
import { arr, get, has, num, optBool, optNum, optStr, str } from './fields';
import { layoutContainerCells, parseTime, printBoolPtr, since, templateContainers } from './format';
import { formatLabelSelector } from './labelSelector';
import { doc } from './swaggerDocs';
import { type TablePrinter, col } from './table';

const NAME = col('Name', 'string', doc('ObjectMeta.name'), 0, 'name');
const AGE = col('Age', 'string', doc('ObjectMeta.creationTimestamp'));
const CONTAINERS = col('Containers', 'string', 'Names of each container in the template.', 1);
const IMAGES = col('Images', 'string', 'Images referenced by each container in the template.', 1);
const SELECTOR = col('Selector', 'string', doc('JobSpec.selector'), 1);

/** hasJobCondition is printers.go's: the first condition of the type decides. */
function hasJobCondition(job: unknown, type: string): boolean {
  const c = arr(job, 'status', 'conditions').find((x) => str(x, 'type') === type);
  return c !== undefined && str(c, 'status') === 'True';
}

/** jobStatus is printJob's STATUS: Complete, Failed, Terminating, Suspended, FailureTarget or Running, in that precedence. */
function jobStatus(job: unknown): string {
  if (hasJobCondition(job, 'Complete')) return 'Complete';
  if (hasJobCondition(job, 'Failed')) return 'Failed';
  if (has(job, 'metadata', 'deletionTimestamp')) return 'Terminating';
  if (hasJobCondition(job, 'Suspended')) return 'Suspended';
  if (hasJobCondition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function jobCompletions(job: unknown): string {
  const succeeded = num(job, 'status', 'succeeded');
  const completions = optNum(job, 'spec', 'completions');
  if (completions !== undefined) return `${succeeded}/${completions}`;
  const parallelism = num(job, 'spec', 'parallelism');
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(job: unknown, now: number): string {
  const start = parseTime(get(job, 'status', 'startTime'));
  if (start === undefined) return '';
  const completion = parseTime(get(job, 'status', 'completionTime'));
  return humanDuration((completion ?? now) - start);
}

/** jobPrinter is printJob. */
export const jobPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Status', 'string', 'Status of the job.'),
    col('Completions', 'string', doc('JobStatus.succeeded')),
    col('Duration', 'string', 'Time required to complete the job.'),
    AGE, CONTAINERS, IMAGES, SELECTOR,
  ],
  print(job, now) {
    const [names, images] = layoutContainerCells(templateContainers(get(job, 'spec', 'template')));
    return {
      cells: [
        str(job, 'metadata', 'name'), jobStatus(job), jobCompletions(job), jobDuration(job, now), since(job.metadata.creationTimestamp, now),
        names, images, formatLabelSelector(get(job, 'spec', 'selector')),
      ],
    };
  },
};

/** cronJobPrinter is printCronJob: SUSPEND prints True, False or `<unset>` although the column is typed boolean. */
export const cronJobPrinter: TablePrinter = {
  columns: [
    NAME,
    col('Schedule', 'string', doc('CronJobSpec.schedule')),
    col('Timezone', 'string', doc('CronJobSpec.timeZone')),
    col('Suspend', 'boolean', doc('CronJobSpec.suspend')),
    col('Active', 'integer', doc('CronJobStatus.active')),
    col('Last Schedule', 'string', doc('CronJobStatus.lastScheduleTime')),
    AGE, CONTAINERS, IMAGES, SELECTOR,
  ],
  print(cj, now) {
    const jobSpec = get(cj, 'spec', 'jobTemplate', 'spec');
    const [names, images] = layoutContainerCells(templateContainers(get(jobSpec, 'template')));
    const lastSchedule = has(cj, 'status', 'lastScheduleTime') ? since(get(cj, 'status', 'lastScheduleTime'), now) : '<none>';
    return {
      cells: [
        str(cj, 'metadata', 'name'), str(cj, 'spec', 'schedule'), optStr(cj, 'spec', 'timeZone') ?? '<none>', printBoolPtr(optBool(cj, 'spec', 'suspend')),
        arr(cj, 'status', 'active').length, lastSchedule, since(cj.metadata.creationTimestamp, now), names, images, formatLabelSelector(get(jobSpec, 'selector')),
      ],
    };
  },
};
