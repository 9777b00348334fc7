/**
 * `cogread/s3`: the S3 source, for building one yourself (to share it, wrap it, or read objects
 * that are not COGs). `COGReader.open("s3://bucket/key", { s3 })` needs no import of this: it
 * loads the same source with its first read.
 *
 * A subpath of its own so that an app which never reads S3 does not carry the S3 source in its
 * core bundle.
 *
 * @example
 * ```ts
 * import { COGReader } from "cogread";
 * import { S3Source } from "cogread/s3";
 *
 * const source = new S3Source("s3://my-bucket/cogs/dem.tif", { region: "eu-west-1" });
 * const cog = await COGReader.open(source);
 * ```
 *
 * @module
 */
export { S3Source, type S3SourceOptions } from "./source/s3.js";
export { parseS3Url } from "./source/bucket-url.js";
export type { S3Credentials, S3CredentialProvider } from "./source/s3-credentials.js";
