/**
 * printJob and printCronJob against kubernetes/kubernetes
 * pkg/printers/internalversion/printers_test.go (TestPrintJob, TestPrintJobList,
 * TestPrintCronJob), with every wide cell as the server prints them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types';
import { cronJobPrinter, jobPrinter } from './batch';
import { DAY, MINUTE, ago, cells, columnNames, obj } from './testing';
import type { Cell } from './table';

const template = { spec: { containers: [{ name: 'fake-job-container1', image: 'fake-job-image1' }, { name: 'fake-job-container2', image: 'fake-job-image2' }] } };
const condition = (type: string) => ({ conditions: [{ type, status: 'True' }] });

test('printJob: STATUS, COMPLETIONS and DURATION', () => {
  const cases: [string, KubeObject, Cell[]][] = [
    ['running, 1 of 2', obj('job1', ago(-1900), { spec: { completions: 2, template, selector: { matchLabels: { 'job-label': 'job-label-value' } } }, status: { succeeded: 1 } }), ['job1', 'Running', '1/2', '', '0s', 'fake-job-container1,fake-job-container2', 'fake-job-image1,fake-job-image2', 'job-label=job-label-value']],
    ['ten years old, no completions', obj('job2', ago(3652 * DAY), { spec: {}, status: { succeeded: 0 } }), ['job2', 'Running', '0/1', '', '10y', '', '', '<none>']],
    ['finished in 30m', obj('job3', ago(3650 * DAY), { spec: {}, status: { startTime: ago(-MINUTE), completionTime: ago(-31 * MINUTE) } }), ['job3', 'Running', '0/1', '30m', '10y', '', '', '<none>']],
    ['running for 20m', obj('job4', ago(3650 * DAY), { spec: {}, status: { startTime: ago(20 * MINUTE) } }), ['job4', 'Running', '0/1', '20m', '10y', '', '', '<none>']],
    ['Complete', obj('job5', ago(-1900), { spec: {}, status: condition('Complete') }), ['job5', 'Complete', '0/1', '', '0s', '', '', '<none>']],
    ['Failed', obj('job6', ago(-1900), { spec: {}, status: condition('Failed') }), ['job6', 'Failed', '0/1', '', '0s', '', '', '<none>']],
    ['Suspended', obj('job7', ago(-1900), { spec: {}, status: condition('Suspended') }), ['job7', 'Suspended', '0/1', '', '0s', '', '', '<none>']],
    ['FailureTarget', obj('job8', ago(-1900), { spec: {}, status: condition('FailureTarget') }), ['job8', 'FailureTarget', '0/1', '', '0s', '', '', '<none>']],
    ['Terminating', obj('job9', ago(-1900), { metadata: { deletionTimestamp: ago(-1900) }, spec: {} }), ['job9', 'Terminating', '0/1', '', '0s', '', '', '<none>']],
    ['Complete wins over Terminating', obj('job10', ago(-1900), { metadata: { deletionTimestamp: ago(0) }, spec: {}, status: condition('Complete') }), ['job10', 'Complete', '0/1', '', '0s', '', '', '<none>']],
    ['a False condition does not count', obj('job11', ago(-1900), { spec: {}, status: { conditions: [{ type: 'Complete', status: 'False' }] } }), ['job11', 'Running', '0/1', '', '0s', '', '', '<none>']],
    ['parallel without completions', obj('workers', ago(-1900), { spec: { parallelism: 3 }, status: { succeeded: 1 } }), ['workers', 'Running', '1/1 of 3', '', '0s', '', '', '<none>']],
  ];
  for (const [name, o, want] of cases) assert.deepEqual(cells(jobPrinter, o), want, name);
  assert.deepEqual(columnNames(jobPrinter), ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers:1', 'Images:1', 'Selector:1']);
});

test('printCronJob: TIMEZONE, SUSPEND as text, ACTIVE, LAST SCHEDULE', () => {
  const jobTemplate = { spec: { completions: 2, template, selector: { matchLabels: { a: 'b' } } } };
  const cases: [string, KubeObject, Cell[]][] = [
    ['basic', obj('cronjob1', ago(-1900), { spec: { schedule: '0/5 * * * ?', suspend: false, jobTemplate }, status: { lastScheduleTime: ago(-1900) } }), ['cronjob1', '0/5 * * * ?', '<none>', 'False', 0, '0s', '0s', 'fake-job-container1,fake-job-container2', 'fake-job-image1,fake-job-image2', 'a=b']],
    ['time zone', obj('cronjob1', ago(-1900), { spec: { schedule: '0/5 * * * ?', timeZone: 'LOCAL', suspend: false, jobTemplate }, status: { lastScheduleTime: ago(-1900) } }), ['cronjob1', '0/5 * * * ?', 'LOCAL', 'False', 0, '0s', '0s', 'fake-job-container1,fake-job-container2', 'fake-job-image1,fake-job-image2', 'a=b']],
    ['last schedule and age', obj('cronjob2', ago(5 * MINUTE), { spec: { schedule: '0/5 * * * ?', suspend: false }, status: { lastScheduleTime: ago(30 * 1000), active: [{ name: 'cronjob2-1' }] } }), ['cronjob2', '0/5 * * * ?', '<none>', 'False', 1, '30s', '5m', '', '', '<none>']],
    ['never scheduled, suspend unset', obj('cronjob3', ago(5 * MINUTE), { spec: { schedule: '0/5 * * * ?' }, status: {} }), ['cronjob3', '0/5 * * * ?', '<none>', '<unset>', 0, '<none>', '5m', '', '', '<none>']],
  ];
  for (const [name, o, want] of cases) assert.deepEqual(cells(cronJobPrinter, o), want, name);
  assert.deepEqual(cronJobPrinter.columns.map((c) => c.type), ['string', 'string', 'string', 'boolean', 'integer', 'string', 'string', 'string', 'string', 'string']);
});
