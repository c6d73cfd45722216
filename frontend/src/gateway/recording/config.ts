/** The recording's bounds, from the environment (README: Configuration). */
import type { RecorderBounds } from './recorder.js';

export const DEFAULT_RECORDING_BOUNDS: RecorderBounds = {
  // A lesson: long enough to go back over a whole class, short enough to download in a blink.
  maxAgeMs: 60 * 60_000,
  // ~1,000 snapshots of a 25-node cluster; memory stays small next to the gateway's ~60 MB.
  maxBytes: 16 * 1024 * 1024,
};

export const RECORDING_ENV = {
  maxAgeMs: 'RECORDING_MAX_AGE_MS',
  maxBytes: 'RECORDING_MAX_BYTES',
} as const satisfies Record<keyof RecorderBounds, string>;

export function loadRecordingBounds(intFromEnv: (name: string, fallback: number, min: number, max: number) => number): RecorderBounds {
  return {
    maxAgeMs: intFromEnv(RECORDING_ENV.maxAgeMs, DEFAULT_RECORDING_BOUNDS.maxAgeMs, 1000, 7 * 24 * 3_600_000),
    maxBytes: intFromEnv(RECORDING_ENV.maxBytes, DEFAULT_RECORDING_BOUNDS.maxBytes, 64 * 1024, 1024 * 1024 * 1024),
  };
}
