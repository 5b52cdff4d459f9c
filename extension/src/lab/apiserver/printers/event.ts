/**
 * event is printEvent. Both core/v1 and events.k8s.io/v1 Events are stored as
 * the internal core Event, so an events.k8s.io object is first read through the
 * conversion (pkg/apis/events/v1/conversion.go): regarding is involvedObject,
 * note is message, deprecatedSource/FirstTimestamp/LastTimestamp/Count are
 * source/firstTimestamp/lastTimestamp/count.
 */
import type { KubeObject } from '../../api/types';
import { get, has, num, str } from './fields';
import { parseTime, since } from './format';
import { doc } from './swaggerDocs';
import { type TablePrinter, col } from './table';

/** CoreEventView is the fields of the internal core Event that printEvent reads. */
interface CoreEventView {
  involvedObject: unknown;
  message: string;
  source: unknown;
  firstTimestamp: unknown;
  lastTimestamp: unknown;
  count: number;
  reportingController: string;
  reportingInstance: string;
}

function coreView(ev: KubeObject): CoreEventView {
  return {
    involvedObject: get(ev, 'involvedObject'), message: str(ev, 'message'), source: get(ev, 'source'),
    firstTimestamp: get(ev, 'firstTimestamp'), lastTimestamp: get(ev, 'lastTimestamp'), count: num(ev, 'count'),
    reportingController: str(ev, 'reportingComponent'), reportingInstance: str(ev, 'reportingInstance'),
  };
}

function eventsV1View(ev: KubeObject): CoreEventView {
  return {
    involvedObject: get(ev, 'regarding'), message: str(ev, 'note'), source: get(ev, 'deprecatedSource'),
    firstTimestamp: get(ev, 'deprecatedFirstTimestamp'), lastTimestamp: get(ev, 'deprecatedLastTimestamp'), count: num(ev, 'deprecatedCount'),
    reportingController: str(ev, 'reportingController'), reportingInstance: str(ev, 'reportingInstance'),
  };
}

/** formatEventSource is printers.go's: component (or reporting controller), then `, host` (or reporting instance) when set. */
function formatEventSource(v: CoreEventView): string {
  const component = str(v.source, 'component') || v.reportingController;
  const instance = str(v.source, 'host') || v.reportingInstance;
  return instance === '' ? component : `${component}, ${instance}`;
}

function eventPrinter(view: (ev: KubeObject) => CoreEventView): TablePrinter {
  return {
    columns: [
      col('Last Seen', 'string', doc('Event.lastTimestamp')),
      col('Type', 'string', doc('Event.type')),
      col('Reason', 'string', doc('Event.reason')),
      col('Object', 'string', doc('Event.involvedObject')),
      col('Subobject', 'string', doc('ObjectReference.fieldPath'), 1),
      col('Source', 'string', doc('Event.source'), 1),
      col('Message', 'string', doc('Event.message')),
      col('First Seen', 'string', doc('Event.firstTimestamp'), 1),
      col('Count', 'string', doc('Event.count'), 1),
      col('Name', 'string', doc('ObjectMeta.name'), 1, 'name'),
    ],
    print(ev, now) {
      const v = view(ev);
      const firstTimestamp = parseTime(v.firstTimestamp) !== undefined ? since(v.firstTimestamp, now) : since(get(ev, 'eventTime'), now);
      let lastTimestamp = parseTime(v.lastTimestamp) !== undefined ? since(v.lastTimestamp, now) : firstTimestamp;
      let count = v.count;
      if (has(ev, 'series')) {
        lastTimestamp = since(get(ev, 'series', 'lastObservedTime'), now);
        count = num(ev, 'series', 'count');
      } else if (count === 0) {
        // Singleton events of the new API carry no count.
        count = 1;
      }
      const kind = str(v.involvedObject, 'kind').toLowerCase();
      const name = str(v.involvedObject, 'name');
      const target = name !== '' ? `${kind}/${name}` : kind;
      return {
        cells: [
          lastTimestamp, str(ev, 'type'), str(ev, 'reason'), target, str(v.involvedObject, 'fieldPath'), formatEventSource(v), v.message.trim(),
          firstTimestamp, count, str(ev, 'metadata', 'name'),
        ],
      };
    },
  };
}

/** coreEventPrinter is printEvent for core/v1 Events. */
export const coreEventPrinter = eventPrinter(coreView);

/** eventsV1EventPrinter is printEvent for events.k8s.io/v1 Events, read through the conversion to the core Event. */
export const eventsV1EventPrinter = eventPrinter(eventsV1View);
