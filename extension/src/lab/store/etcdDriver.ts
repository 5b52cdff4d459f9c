/**
 * etcdDriver is everything EtcdStore needs from the etcd3 client and gRPC, in a
 * module of its own: the bundle keeps it apart (dist/etcd.js) and loads it the
 * first time a lab runs on a real etcd, so activation never pays for gRPC.
 */
export { Etcd3 } from 'etcd3';
export { InterceptingCall } from '@grpc/grpc-js';
export { noop } from 'cockatiel';
