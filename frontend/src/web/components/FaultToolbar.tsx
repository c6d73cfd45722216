/** Whole-cluster actions where the mode allows them: add a node; stop/start the ZooKeeper server. */
import { useSyncExternalStore } from 'react';
import { LOCAL_ZOOKEEPER_SERVER_ID, ZOOKEEPER_SERVER_OPS, type ZooKeeperServerOp } from '@zkviz/shared';
import { addNode, capabilitiesStore, zookeeperServer } from '../faults-api.js';
import { useAction } from '../hooks/useAction.js';
import { useShowingPast } from '../replay/past.js';
import { Outcome } from './Outcome.js';

const OP_LABEL: Record<ZooKeeperServerOp, string> = { stop: 'Stop ZooKeeper', start: 'Start ZooKeeper', restart: 'Restart ZooKeeper' };

export function FaultToolbar({ disabled }: { disabled: boolean }) {
  const past = useShowingPast();
  const capabilities = useSyncExternalStore(capabilitiesStore.subscribe, capabilitiesStore.getSnapshot);
  const { pending, outcome, run } = useAction();
  if (!capabilities.addNode && !capabilities.zookeeperControl) return null;
  return (
    <div className="card fault-toolbar" data-testid="fault-toolbar">
      {capabilities.addNode && (
        <button type="button" data-testid="add-node" disabled={disabled || past || pending !== null} onClick={() => void run('add', addNode)}>
          {pending === 'add' ? 'Adding…' : 'Add node'}
        </button>
      )}
      {capabilities.zookeeperControl &&
        ZOOKEEPER_SERVER_OPS.map((op) => (
          <button
            key={op}
            type="button"
            className="secondary"
            data-testid={`zookeeper-${op}`}
            disabled={past || pending !== null}
            onClick={() => void run(op, () => zookeeperServer(LOCAL_ZOOKEEPER_SERVER_ID, op))}
          >
            {pending === op ? 'Working…' : OP_LABEL[op]}
          </button>
        ))}
      <Outcome outcome={outcome} testId="toolbar-outcome" />
    </div>
  );
}
