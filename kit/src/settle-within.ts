// A promise that rejects with the caller's error when `promise` has not settled within `ms`; the
// timer is always cleared, so nothing keeps the process alive after the race is decided, and a late
// rejection of `promise` is handled (never an unhandled rejection).

export function settleWithin<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
