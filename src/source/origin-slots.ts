import { httpFailure, type RangeRequest } from "./http-response.js";

interface Waiter { limit: number; grant(): void }
interface OriginSlots { active: number; queue: Waiter[] }
/** In-flight requests per origin, shared by every HTTP source in the process (module level). */
const origins = new Map<string, OriginSlots>();

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/**
 * Waits for a request slot of the URL's origin; resolves to the function that frees it. A waiter
 * goes when fewer than its own `limit` requests to that origin are in flight.
 *
 * @example
 * ```ts
 * const release = await acquireSlot(url, 16, signal, req);
 * try { await send(); } finally { release(); }
 * ```
 */
export function acquireSlot(url: string, limit: number, signal: AbortSignal | undefined, req: RangeRequest): Promise<() => void> {
  const key = originOf(url);
  const slots = origins.get(key) ?? { active: 0, queue: [] };
  origins.set(key, slots);
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    slots.active--;
    for (let i = 0; i < slots.queue.length; i++) {
      const waiter = slots.queue[i]!;
      if (slots.active >= waiter.limit) continue;
      slots.queue.splice(i--, 1);
      slots.active++;
      waiter.grant();
    }
    if (slots.active === 0 && slots.queue.length === 0) origins.delete(key);
  };
  const cap = Math.max(1, Math.floor(limit) || 1);
  if (slots.active < cap) {
    slots.active++;
    return Promise.resolve(release);
  }
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      const at = slots.queue.indexOf(waiter);
      if (at !== -1) slots.queue.splice(at, 1);
      if (slots.active === 0 && slots.queue.length === 0) origins.delete(key);
      reject(httpFailure(req, signal?.reason, signal));
    };
    const waiter: Waiter = { limit: cap, grant: () => { signal?.removeEventListener("abort", onAbort); resolve(release); } };
    slots.queue.push(waiter);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
