/**
 * transport is the seam between the webhook plugins and the network: the
 * plugins build and judge AdmissionReviews, a WebhookTransport carries them.
 * The lab core stays free of sockets and wall-clock timers; httpTransport.ts
 * is the real implementation and tests may supply their own.
 */

/** WebhookPostOptions are what the transport needs beyond the URL and body. */
export interface WebhookPostOptions {
  /** caBundle is the PEM the webhook's serving certificate must chain to; without it the platform's roots are used. */
  caBundle?: string;
  /** timeoutMs bounds the whole exchange in real time (the webhook is a real server, not a lab component). */
  timeoutMs: number;
  /** serverName is the name the certificate must carry when the URL's host is a resolved address (`<svc>.<ns>.svc`). */
  serverName?: string;
}

/** WebhookHttpResponse is a completed HTTP exchange, whatever its status. */
export interface WebhookHttpResponse {
  status: number;
  body: string;
  contentType?: string;
}

/** WebhookPostResult is a response, or the transport failure worded as Go's net/http words it (`context deadline exceeded`). */
export type WebhookPostResult = WebhookHttpResponse | { error: string };

/** WebhookTransport POSTs a JSON body. It never throws for network failures: it answers { error }. */
export interface WebhookTransport {
  post(url: string, body: string, options: WebhookPostOptions): Promise<WebhookPostResult>;
}

/** ServiceEndpoint is where a Service's traffic actually goes. */
export interface ServiceEndpoint {
  host: string;
  port: number;
}

/** ServiceResolver finds an address for a webhook's Service (upstream's ServiceResolver.ResolveEndpoint), or says why there is none. */
export type ServiceResolver = (namespace: string, name: string, port: number) => Promise<ServiceEndpoint | { error: string }> | ServiceEndpoint | { error: string };

/** noServiceNetwork is the resolver until the lab has a service network: every Service is unreachable, in the words of upstream's endpoint resolver. */
export const noServiceNetwork: ServiceResolver = (_namespace, name) => ({ error: `no endpoints available for service "${name}"` });
