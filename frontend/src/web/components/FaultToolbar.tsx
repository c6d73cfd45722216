/** Whole-cluster actions where the mode allows them: add a node; stop/start the ZooKeeper server. */
import { useState, useSyncExternalStore } from 'react';
import { LOCAL_ZOOKEEPER_SERVER_ID, ZOOKEEPER_SERVER_OPS, type ZooKeeperServerOp } from '@zkviz/shared';
import { addNode, capabilitiesStore, zookeeperServer, type ActionOutcome } from '../faults-api.js';
import { useShowingPast } from '../replay/past.js';

const OP_LABEL: Record<ZooKeeperServerOp, string> = { stop: 'Stop ZooKeeper', start: 'Start ZooKeeper', restart: 'Restart ZooKeeper' };

export function FaultToolbar({ disabled }: { disabled: boolean }) {
  const past = useShowingPast();
  const capabilities = useSyncExternalStore(capabilitiesStore.subscribe, capabilitiesStore.getSnapshot);
  const [pending, setPending] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  if (!capabilities.addNode && !capabilities.zookeeperControl) return null;
  const run = async (key: string, fn: () => Promise<ActionOutcome>) => {
    setPending(key);
    setOutcome(null);
    setOutcome(await fn());
    setPending(null);
  };
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
      {outcome && (
        <span className={`outcome ${outcome.ok ? 'ok' : 'failed'}`} data-testid="toolbar-outcome" role="status">
          {outcome.ok ? outcome.text : outcome.message}
        </span>
      )}
    </div>
  );
}
