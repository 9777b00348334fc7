import { CogError } from "../errors.js";

/**
 * AWS credentials. Structurally the same as the AWS SDK's `AwsCredentialIdentity`, so the result of
 * any `@aws-sdk/credential-providers` provider fits.
 *
 * @example
 * ```ts
 * const credentials: S3Credentials = { accessKeyId: "AKIA…", secretAccessKey: "…", sessionToken: "…" };
 * ```
 */
export interface S3Credentials {
  /** Access key id (not secret; shown in S3's own error bodies). */
  accessKeyId: string;
  /** Secret access key. Never appears in cogread's error messages or contexts. */
  secretAccessKey: string;
  /** Session token of temporary credentials, sent as `x-amz-security-token`. */
  sessionToken?: string;
  /** When temporary credentials stop working; a provider is asked again shortly before. */
  expiration?: Date;
}

/**
 * A function that returns credentials, such as `fromNodeProviderChain()` of
 * `@aws-sdk/credential-providers`. Called lazily, on the first read, and again only when the
 * credentials it returned are about to expire.
 *
 * @example
 * ```ts
 * import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
 * const provider: S3CredentialProvider = fromNodeProviderChain();
 * ```
 */
export type S3CredentialProvider = () => Promise<S3Credentials>;

/** Credentials are fetched again this long before they expire. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * The environment cogread reads; `process.env` in Node, empty elsewhere.
 *
 * @example
 * ```ts
 * const env: Env = { AWS_REGION: "eu-west-1" };
 * ```
 */
export type Env = Record<string, string | undefined>;

/**
 * The process environment when there is one (Node, Bun, Deno with env access), else `{}`.
 *
 * @example
 * ```ts
 * const region = processEnv().AWS_REGION ?? "us-east-1";
 * ```
 */
export function processEnv(): Env {
  const proc = (globalThis as { process?: { env?: Env } }).process;
  return proc?.env ?? {};
}

/**
 * Turns the `credentials` option (or, without one, the `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`
 * and `AWS_SESSION_TOKEN` variables) into a getter. The getter resolves to `undefined` when requests
 * go unsigned: `credentials: false`, `AWS_NO_SIGN_REQUEST=YES`, or no credentials anywhere.
 * Throws `COG_USAGE` when credentials are only half given.
 *
 * @example
 * ```ts
 * const get = credentialGetter(undefined, process.env, "s3://bucket/a.tif");
 * const creds = await get(); // undefined → send unsigned requests
 * ```
 */
export function credentialGetter(
  option: S3Credentials | S3CredentialProvider | false | undefined,
  env: Env,
  url: string,
): () => Promise<S3Credentials | undefined> {
  if (option === false) return async () => undefined;
  if (typeof option === "function") return cachedProvider(option, url);
  if (option !== undefined) {
    const creds = checkCredentials(option, url, "options.credentials");
    return async () => creds;
  }
  if (/^(yes|true|1|on)$/i.test(env.AWS_NO_SIGN_REQUEST ?? "")) return async () => undefined;
  const fromEnv = credentialsFromEnv(env, url);
  return async () => fromEnv;
}

/** Credentials from the AWS_* variables; `undefined` when neither key is set, `COG_USAGE` when only one is. */
function credentialsFromEnv(env: Env, url: string): S3Credentials | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID || undefined;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY || undefined;
  if (accessKeyId === undefined && secretAccessKey === undefined) return undefined;
  const sessionToken = env.AWS_SESSION_TOKEN || undefined;
  return checkCredentials({ accessKeyId: accessKeyId ?? "", secretAccessKey: secretAccessKey ?? "", sessionToken }, url, "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY");
}

/** Shares one call of the provider between concurrent reads; calls it again near `expiration` or after a failure. */
function cachedProvider(provider: S3CredentialProvider, url: string): () => Promise<S3Credentials> {
  let pending: Promise<S3Credentials> | undefined;
  let current: S3Credentials | undefined;
  return async () => {
    if (current && !expiresSoon(current)) return current;
    pending ??= (async () => {
      try {
        let got: S3Credentials;
        try {
          got = await provider();
        } catch (e) {
          const why = e instanceof Error ? `${e.name}: ${e.message}` : "provider failed";
          throw new CogError("COG_USAGE", `S3 credentials provider failed (${why})`, { url }, { cause: e });
        }
        current = checkCredentials(got, url, "the credentials provider");
        return current;
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };
}

function expiresSoon(creds: S3Credentials): boolean {
  const at = creds.expiration?.getTime();
  return at !== undefined && (Number.isNaN(at) || at - Date.now() < REFRESH_MARGIN_MS);
}

/** Checks both keys are non-empty strings; the message names what is missing, never a value. */
function checkCredentials(creds: S3Credentials, url: string, from: string): S3Credentials {
  const missing = [
    typeof creds?.accessKeyId === "string" && creds.accessKeyId !== "" ? undefined : "accessKeyId",
    typeof creds?.secretAccessKey === "string" && creds.secretAccessKey !== "" ? undefined : "secretAccessKey",
  ].filter((m) => m !== undefined);
  if (missing.length > 0) {
    throw new CogError("COG_USAGE", `S3 credentials from ${from} have no ${missing.join(" or ")}`, { url });
  }
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = creds;
  return { accessKeyId, secretAccessKey, sessionToken: sessionToken || undefined, expiration };
}
