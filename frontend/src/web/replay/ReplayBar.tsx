import { useRef, type Dispatch } from 'react';
import { formatDuration, GATEWAY_ROUTES } from '@zkviz/shared';
import { formatClock } from '../format.js';
import { activeTimeline, showingPast, sliderFromSpeed, speedFromSlider, timelineEnd, type ReplayAction, type ReplayState } from '../state/replay.js';

interface Props {
  state: ReplayState;
  dispatch: Dispatch<ReplayAction>;
  onOpenFile: (file: File) => void;
  error: string | null;
  onHelp: () => void;
}

/** Play/pause, previous/next, speed, the scrubber over the whole run, Live; and where the page is in time. */
export function ReplayBar({ state, dispatch, onOpenFile, error, onHelp }: Props) {
  const fileInput = useRef<HTMLInputElement>(null);
  const t = activeTimeline(state);
  const past = showingPast(state);
  const start = t.startedAt;
  const end = timelineEnd(t);
  const clock = past ? state.clock : end;
  const cursor = state.cursor ?? t.entries.length;
  return (
    <section
      className={`card replay-bar${past ? ' past' : ''}`}
      aria-label="Replay"
      data-testid="replay-bar"
      data-mode={past ? 'past' : 'live'}
      data-cursor={cursor}
    >
      <div className="replay-row">
        <button type="button" data-testid="replay-play" onClick={() => dispatch({ type: 'toggle-play' })}>
          {state.playing ? '❚❚ Pause' : '▶ Play'}
        </button>
        <button type="button" data-testid="replay-prev" disabled={cursor === 0} onClick={() => dispatch({ type: 'step', by: -1 })}>
          ◀ Previous event
        </button>
        <button
          type="button"
          data-testid="replay-next"
          disabled={cursor >= t.entries.length && !(past && !state.recording)}
          onClick={() => dispatch({ type: 'step', by: 1 })}
        >
          Next event ▶
        </button>
        <label className="speed">
          <span>
            Speed <output data-testid="replay-speed">{state.speed}×</output>
          </span>
          <input
            type="range"
            min={0}
            max={1}
            step={0.01}
            value={sliderFromSpeed(state.speed)}
            aria-valuetext={`${state.speed}×`}
            data-testid="replay-speed-slider"
            onChange={(e) => dispatch({ type: 'speed', speed: speedFromSlider(Number(e.target.value)) })}
          />
        </label>
        <button
          type="button"
          className={past ? 'live-button' : 'live-button on'}
          data-testid="replay-live"
          disabled={!past}
          onClick={() => dispatch({ type: 'live' })}
        >
          ● Live
        </button>
        <span className="replay-spacer" />
        <button type="button" className="secondary" data-testid="open-recording" onClick={() => fileInput.current?.click()}>
          Open recording…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".ndjson,application/x-ndjson,.jsonl,.txt"
          hidden
          data-testid="recording-file"
          aria-label="Recording file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) onOpenFile(file);
            e.target.value = '';
          }}
        />
        <a className="button secondary" href={GATEWAY_ROUTES.recording} download data-testid="download-recording">
          Download recording
        </a>
        <button type="button" className="secondary" onClick={onHelp} data-testid="shortcuts-open">
          Shortcuts (?)
        </button>
      </div>
      <label className="scrubber">
        <span className="visually-hidden">Position in the run</span>
        <input
          type="range"
          min={start}
          max={Math.max(end, start + 1)}
          step={1}
          value={clock}
          data-testid="replay-scrubber"
          aria-valuetext={`${formatClock(clock)}, ${formatDuration(clock - start)} into the run`}
          onChange={(e) => dispatch({ type: 'seek', at: Number(e.target.value) })}
        />
      </label>
      <p className="replay-status" role="status" data-testid="replay-status">
        {past ? (
          <>
            <strong>Showing the past</strong> — {formatClock(clock)} ({formatDuration(end - clock)} before the {state.recording ? 'end of ' : 'newest change in '}
            {state.recording ? <em>{state.recording.name}</em> : 'this page'}), change {cursor} of {t.entries.length}. Actions are off: you cannot kill the past.
          </>
        ) : (
          <>Live — {t.entries.length} changes kept in this page; Space pauses, ← steps back.</>
        )}
      </p>
      {error && (
        <p className="replay-error" role="alert" data-testid="replay-error">
          {error}
        </p>
      )}
    </section>
  );
}
