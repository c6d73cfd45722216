import { ChainGraph } from './components/ChainGraph.js';
import { useCallback, useDeferredValue, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState, type DragEvent } from 'react';
import type { ServerMessage, ZooKeeperView } from '@zkviz/shared';
import { ControlToken } from './components/ControlToken.js';
import { EventTimeline } from './components/EventTimeline.js';
import { FailoverTimeline } from './components/FailoverTimeline.js';
import { FaultToolbar } from './components/FaultToolbar.js';
import { FailoverNotice } from './components/FailoverNotice.js';
import { LeaderlessBanner } from './components/LeaderlessBanner.js';
import { NodeTable } from './components/NodeTable.js';
import { RecipePanel } from './components/RecipePanel.js';
import { ScenariosPanel } from './components/ScenariosPanel.js';
import { availabilityKey } from './scenarios/availability.js';
import { StatusHeader } from './components/StatusHeader.js';
import { ZooKeeperPanel } from './components/ZooKeeperPanel.js';
import { useClusterStream } from './hooks/useClusterStream.js';
import { gatewayClock } from './timeline/clock.js';
import { usePagePainted } from './timeline/usePagePainted.js';
import { pendingTakeover } from './state/takeover.js';
import { LeaderAnnouncer } from './replay/LeaderAnnouncer.js';
import { loadFile, loadUrl, replayUrl, type LoadResult } from './replay/load.js';
import { PastClockContext, ShowingPastContext } from './replay/past.js';
import { heldWatchesOf, type HeldWatches } from './chain/edges.js';
import { ControlsContext, createControlsStore } from './components/controls.js';
import { ReplayBar } from './replay/ReplayBar.js';
import { ShortcutsHelp } from './replay/ShortcutsHelp.js';
import { ThemeToggle } from './replay/ThemeToggle.js';
import { usePlayback } from './replay/usePlayback.js';
import { useShortcuts } from './replay/useShortcuts.js';
import { activeTimeline, frameAt, initialReplayState, replayReducer, showingPast } from './state/replay.js';

export function App() {
  const [replay, dispatchReplay] = useReducer(replayReducer, Date.now(), initialReplayState);
  const onMessage = useCallback((message: ServerMessage, bytes: number) => {
    if (message.type === 'snapshot' || message.type === 'event' || message.type === 'zookeeper')
      dispatchReplay({ type: 'received', at: Date.now(), entry: message, bytes });
  }, []);
  const live = useClusterStream(onMessage);
  const [helpOpen, setHelpOpen] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  usePlayback(replay.playing, dispatchReplay);

  const opened = useCallback((result: LoadResult) => {
    if (!result.ok) return setLoadError(result.message);
    setLoadError(null);
    dispatchReplay({ type: 'open', name: result.name, recording: result.recording });
  }, []);
  const openFile = useCallback((file: File) => void loadFile(file).then(opened), [opened]);

  // `/?replay=/path/to/recording.ndjson` opens a recording from this server.
  useEffect(() => {
    const param = new URLSearchParams(window.location.search).get('replay');
    if (!param) return;
    const url = replayUrl(param, window.location);
    if (typeof url === 'string') setLoadError(url);
    else void loadUrl(url).then(opened);
  }, [opened]);

  useShortcuts((command) => {
    switch (command) {
      case 'toggle-play':
        return dispatchReplay({ type: 'toggle-play' });
      case 'previous':
        return dispatchReplay({ type: 'step', by: -1 });
      case 'next':
        return dispatchReplay({ type: 'step', by: 1 });
      case 'live':
        return dispatchReplay({ type: 'live' });
      case 'help':
        return setHelpOpen((open) => !open);
      case 'close':
        setHelpOpen(false);
        // Menus and popovers close on a bubbling event of their own; tell them all at once.
        document.dispatchEvent(new CustomEvent('zkviz:close-menus'));
        return;
    }
  });

  const past = showingPast(replay);
  const frame = past ? frameAt(activeTimeline(replay), replay.cursor ?? 0) : { view: live.view, zookeeper: live.zookeeper, events: live.events };
  const view = frame.view;
  const zookeeper = frame.zookeeper;
  // What a failover changes first is the node table (and the header and banners): the panels after
  // it (the chain, the recipe, the last failover, the history, ZooKeeper's view) render from these
  // deferred copies, so React commits the table alone and renders the rest in an interruptible
  // pass right after it: at 100 nodes no single task has to do both.
  const laterView = useDeferredValue(view);
  const laterZookeeper = useDeferredValue(zookeeper);
  const laterEvents = useDeferredValue(frame.events);
  // The scenario list is read again when this changes (a failover changes it twice): not in the table's task.
  const scenarioKey = useDeferredValue(availabilityKey(live.view, live.zookeeper));
  const sessions = zookeeper?.sessions;
  const sessionTimeouts = useMemo(() => new Map((sessions ?? []).flatMap((s) => (s.timeoutMs !== null ? [[s.id, s.timeoutMs] as const] : []))), [sessions]);
  const heldWatches = useHeldWatches(laterZookeeper);
  const leaderless = view?.status === 'leaderless';
  const linkDown = past || live.link !== 'live';
  const killDisabled = linkDown || view?.status !== 'ok';
  const [controls] = useState(createControlsStore);
  // Before paint, in the same task as the commit that changed them (controls.ts: why a store).
  useLayoutEffect(() => controls.set({ killDisabled, linkDown }), [controls, killDisabled, linkDown]);
  const pagePhases = usePagePainted(view);
  const onDrop = (e: DragEvent) => {
    const file = e.dataTransfer.files[0];
    if (!file) return;
    e.preventDefault();
    openFile(file);
  };

  return (
    <ShowingPastContext.Provider value={past}>
      <PastClockContext.Provider value={past ? replay.clock : null}>
        <ControlsContext.Provider value={controls}>
          <div className={`page${past ? ' showing-past' : ''}`} onDragOver={(e) => e.preventDefault()} onDrop={onDrop} data-testid="page" data-past={past}>
            <StatusHeader link={past ? 'past' : live.link} view={view} />
            <div className="toolbar">
              <ThemeToggle />
            </div>
            <main>
              <ReplayBar state={replay} dispatch={dispatchReplay} onOpenFile={openFile} error={loadError} onHelp={() => setHelpOpen(true)} />
              <ControlToken />
              {leaderless && !past && <LeaderlessBanner since={view.leaderlessSince ?? view.updatedAt} takeover={pendingTakeover(view)} />}
              {view?.status === 'ok' && view.lastFailover && <FailoverNotice failover={view.lastFailover} />}
              <FaultToolbar disabled={past || live.link !== 'live'} />
              <ScenariosPanel live={live.scenario} linkDown={live.link !== 'live'} clusterKey={scenarioKey} />
              {view ? <NodeTable view={view} sessionTimeouts={sessionTimeouts} /> : <p className="card muted">Connecting…</p>}
              {laterView && <ChainGraph view={laterView} heldWatches={heldWatches} />}
              {laterView && <RecipePanel view={laterView} disabled={linkDown} />}
              {laterView?.lastFailover && <FailoverTimeline failover={laterView.lastFailover} pagePhases={pagePhases} clock={gatewayClock()} />}
              <EventTimeline events={laterEvents} />
              <ZooKeeperPanel zk={laterZookeeper} view={laterView} controlsDisabled={linkDown} />
            </main>
            <LeaderAnnouncer view={view} />
            {helpOpen && <ShortcutsHelp onClose={() => setHelpOpen(false)} />}
          </div>
        </ControlsContext.Provider>
      </PastClockContext.Provider>
    </ShowingPastContext.Provider>
  );
}

/**
 * The data watches each session holds (chain/edges.ts), the same map from one ZooKeeper view to the
 * next while none of them changed, so the chain's layout is not redone for new latencies.
 */
function useHeldWatches(zk: ZooKeeperView | null): HeldWatches | null {
  const last = useRef<HeldWatches | null>(null);
  // Only compared by value against the last committed map: a render React throws away does no harm.
  const held = useMemo(() => heldWatchesOf(zk, last.current), [zk]);
  useEffect(() => {
    last.current = held;
  }, [held]);
  return held;
}
