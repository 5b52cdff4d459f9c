// Types for toolchain.mjs, so the TypeScript e2e harness can import it under `strict`.
export declare const NODE_VERSION: string;
export declare const CODE_SERVER_VERSION: string;
export declare const CHROMIUM_PATH: string;
export declare const cacheDir: string;
export declare function run(command: string, args: string[], options?: import('node:child_process').SpawnSyncOptions): void;
export declare function ensureDebianPackages(packages: string[]): void;
export declare function node24PackageDir(): string;
export declare function ensureNode24(): string;
export declare function node24Env(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export declare function codeServerDir(): string;
export declare function ensureCodeServer(): string;
export declare function freePort(): Promise<number>;
export interface Profile {
  userDataDir: string;
  extensionsDir: string;
}
export declare function installExtension(vsixPath: string, profile: Profile): void;
export interface StartOptions extends Profile {
  port: number;
  folder?: string;
  logFile?: string;
  inheritOutput?: boolean;
  handleSignals?: boolean;
  timeoutMs?: number;
  /** env is added to code-server's environment (and so the extension host's), e.g. KUBECONFIG. */
  env?: Record<string, string>;
}
export interface RunningCodeServer {
  url: string;
  folderUrl: string;
  logFile: string;
  pid: number;
  stop(): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}
export declare function startCodeServer(options: StartOptions): Promise<RunningCodeServer>;
