import { ChainGraph } from './components/ChainGraph.js';
import { ChainView } from './components/ChainView.js';
import { ControlToken } from './components/ControlToken.js';
import { EventTimeline } from './components/EventTimeline.js';
import { FailoverTimeline } from './components/FailoverTimeline.js';
import { FaultToolbar } from './components/FaultToolbar.js';
import { FailoverNotice } from './components/FailoverNotice.js';
import { LeaderlessBanner } from './components/LeaderlessBanner.js';
import { NodeTable } from './components/NodeTable.js';
import { StatusHeader } from './components/StatusHeader.js';
import { ZooKeeperPanel } from './components/ZooKeeperPanel.js';
import { useClusterStream } from './hooks/useClusterStream.js';
import { gatewayClock } from './timeline/clock.js';
import { usePagePainted } from './timeline/usePagePainted.js';
import { pendingTakeover } from './state/takeover.js';

export function App() {
  const { link, view, events, zookeeper } = useClusterStream();
  const sessionTimeouts = new Map((zookeeper?.sessions ?? []).flatMap((s) => (s.timeoutMs !== null ? [[s.id, s.timeoutMs] as const] : [])));
  const leaderless = view?.status === 'leaderless';
  const killDisabled = link !== 'live' || view?.status !== 'ok';
  const pagePhases = usePagePainted(view);
  return (
    <div className="page">
      <StatusHeader link={link} view={view} />
      <main>
        <ControlToken />
        {leaderless && <LeaderlessBanner since={view.leaderlessSince ?? view.updatedAt} takeover={pendingTakeover(view)} />}
        {view?.status === 'ok' && view.lastFailover && <FailoverNotice failover={view.lastFailover} />}
        <FaultToolbar disabled={link !== 'live'} />
        {view ? (
          <NodeTable view={view} killDisabled={killDisabled} linkDown={link !== 'live'} sessionTimeouts={sessionTimeouts} />
        ) : (
          <p className="card muted">Connecting…</p>
        )}
        {view && <ChainGraph view={view} killDisabled={killDisabled} linkDown={link !== 'live'} />}
        {view?.lastFailover && <FailoverTimeline failover={view.lastFailover} pagePhases={pagePhases} clock={gatewayClock()} />}
        <div className="columns">
          {view && <ChainView nodes={view.nodes} />}
          <EventTimeline events={events} />
        </div>
        <ZooKeeperPanel zk={zookeeper} view={view} />
      </main>
    </div>
  );
}
