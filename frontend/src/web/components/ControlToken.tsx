import { useEffect, useState, useSyncExternalStore, type FormEvent } from 'react';
import { checkControlProtection, controlTokenStore, setControlToken } from '../api.js';

/**
 * Presenter mode: shown only when the gateway protects kills. Watching never needs the token;
 * it is asked for once and kept in sessionStorage for this tab.
 */
export function ControlToken() {
  const state = useSyncExternalStore(controlTokenStore.subscribe, controlTokenStore.getSnapshot);
  const [draft, setDraft] = useState('');
  const [editing, setEditing] = useState(false);
  useEffect(() => {
    void checkControlProtection();
  }, []);

  if (!state.needed) return null;
  const asking = editing || !state.hasToken || state.rejected;
  const save = (e: FormEvent) => {
    e.preventDefault();
    const token = draft.trim();
    if (!token) return;
    setControlToken(token);
    setDraft('');
    setEditing(false);
  };

  if (!asking) {
    return (
      <div className="card control-token" data-testid="control-token" data-state="set">
        <span className="muted">Control token set for this tab.</span>{' '}
        <button type="button" className="secondary" onClick={() => setEditing(true)}>
          change
        </button>{' '}
        <button type="button" className="secondary" onClick={() => setControlToken(null)}>
          forget
        </button>
      </div>
    );
  }
  return (
    <form className="card control-token" data-testid="control-token" data-state="asking" onSubmit={save}>
      <label>
        {state.rejected ? 'That control token was refused. ' : 'Kills need the presenter’s control token. '}
        <input
          type="password"
          autoComplete="off"
          autoFocus
          data-testid="control-token-input"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          placeholder="control token"
        />
      </label>{' '}
      <button type="submit" data-testid="control-token-save">
        Save
      </button>{' '}
      <span className="muted">Watching needs no token.</span>
    </form>
  );
}
