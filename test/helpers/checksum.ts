/**
 * GDAL's GDALChecksumImage (gcore/gdalchecksum.cpp), re-implemented to compare whole bands with
 * the checksums gdalinfo printed. Lines are fed in order; the prime index runs on across lines.
 */
const PRIMES = [7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43];

export class GdalChecksum {
  private sum = 0;
  private prime = 0;

  constructor(private readonly floating: boolean) {}

  /** Adds values (for complex bands: re, im, re, im…). */
  add(values: ArrayLike<number | bigint>, start = 0, end = values.length): void {
    let sum = this.sum;
    let prime = this.prime;
    if (values instanceof Uint8Array || values instanceof Int8Array || values instanceof Uint16Array || values instanceof Int16Array || values instanceof Int32Array) {
      // Values already fit in Int32: the plain loop, fast enough for the corpus's 648-Mpixel band.
      for (let i = start; i < end; i++) {
        sum = (sum + (values[i] % PRIMES[prime])) & 0xffff;
        prime = prime === 10 ? 0 : prime + 1;
      }
      this.sum = sum;
      this.prime = prime;
      return;
    }
    for (let i = start; i < end; i++) {
      const v = toInt32(values[i], this.floating);
      sum = (sum + (v % PRIMES[prime])) & 0xffff;
      prime = prime === 10 ? 0 : prime + 1;
    }
    this.sum = sum;
    this.prime = prime;
  }

  /** Adds `count` zero values (they change only the prime index). */
  addZeros(count: number): void {
    this.prime = (this.prime + count) % 11;
  }

  get value(): number {
    return this.sum;
  }
}

/** GDALCopyWords to Int32: floats round half up (NaN and ±Inf become INT_MIN), integers clamp. */
function toInt32(value: number | bigint, floating: boolean): number {
  if (typeof value === "bigint") {
    if (value > 2147483647n) return 2147483647;
    if (value < -2147483648n) return -2147483648;
    return Number(value);
  }
  if (floating) {
    if (!Number.isFinite(value)) return -2147483648;
    const v = value + 0.5;
    if (v < -2147483647) return -2147483647;
    if (v > 2147483647) return 2147483647;
    return Math.floor(v);
  }
  if (value > 2147483647) return 2147483647;
  if (value < -2147483648) return -2147483648;
  return value;
}
