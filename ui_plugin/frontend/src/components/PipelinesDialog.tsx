import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api";
import { copyId, isIdentifier } from "../spec";
import { useEditor } from "../store";
import "./dialogs.css";

interface Props {
  onClose: () => void;
  /** Asks before unsaved changes on the canvas are dropped; false: stay. */
  mayLeave: () => boolean;
}

/** Every pipeline in the workspace: open, create, duplicate, delete. */
export function PipelinesDialog({ onClose, mayLeave }: Props) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const pipelines = useEditor((s) => s.pipelines);
  const openId = useEditor((s) => s.open?.document.id);
  const [newId, setNewId] = useState("");
  const [error, setError] = useState<string | null>(null);
  const taken = new Set(pipelines.map((p) => p.id));

  useEffect(() => {
    dialog.current?.showModal();
    void refresh();
  }, []);

  const refresh = async () => useEditor.setState({ pipelines: await api.listPipelines() });

  const act = async (action: () => Promise<void>) => {
    try {
      setError(null);
      await action();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      await refresh().catch(() => undefined);
    }
  };

  const open = (id: string) =>
    act(async () => {
      if (id !== openId && !mayLeave()) return;
      await useEditor.getState().openPipeline(id);
      dialog.current?.close();
    });

  const create = () =>
    act(async () => {
      if (!mayLeave()) return;
      await api.createPipeline({ id: newId, nodes: [], edges: [] });
      await refresh();
      await useEditor.getState().openPipeline(newId);
      dialog.current?.close();
    });

  const duplicate = (id: string) =>
    act(async () => {
      await api.duplicatePipeline(id, copyId(id, taken));
      await refresh();
    });

  const remove = (summary: api.PipelineSummary) =>
    act(async () => {
      if (!window.confirm(t("pipelines.deleteConfirm", { id: summary.id }))) return;
      await api.deletePipeline(summary.id, summary.etag);
      if (summary.id === openId) useEditor.getState().closePipeline();
      await refresh();
    });

  return (
    <dialog ref={dialog} className="jimu-dialog pipelines-dialog" data-testid="pipelines-dialog" onClose={onClose}>
      <h2>{t("pipelines.title")}</h2>
      <form
        className="pipelines-new"
        onSubmit={(event) => {
          event.preventDefault();
          void create();
        }}
      >
        <label>
          {t("pipelines.newId")}
          <input
            data-testid="new-pipeline-id"
            value={newId}
            placeholder="orders_daily"
            onChange={(event) => setNewId(event.target.value)}
          />
        </label>
        <button type="submit" data-testid="create-pipeline" disabled={!isIdentifier(newId) || taken.has(newId)}>
          {t("pipelines.create")}
        </button>
        {newId && (!isIdentifier(newId) || taken.has(newId)) && (
          <span className="dialog-hint" role="alert" data-testid="new-pipeline-problem">
            {taken.has(newId) ? t("pipelines.taken") : t("pipelines.badId")}
          </span>
        )}
      </form>
      {error && (
        <p className="dialog-error" role="alert">
          {error}
        </p>
      )}
      {pipelines.length === 0 ? (
        <p className="dialog-hint">{t("pipelines.none")}</p>
      ) : (
        <table className="pipelines-table" data-testid="pipelines-table">
          <thead>
            <tr>
              <th>{t("pipelines.id")}</th>
              <th>{t("pipelines.titleColumn")}</th>
              <th>{t("pipelines.nodes")}</th>
              <th>{t("pipelines.state")}</th>
              <th>{t("pipelines.modified")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {pipelines.map((p) => (
              <tr key={p.id} data-pipeline={p.id} className={p.id === openId ? "current" : undefined}>
                <td className="mono">{p.id}</td>
                <td>{p.title}</td>
                <td>{p.nodes}</td>
                <td className={p.valid ? "valid" : "invalid"}>
                  {!p.readable ? t("pipelines.unreadable") : p.valid ? t("pipelines.valid") : t("pipelines.invalid")}
                </td>
                <td>{new Date(p.modified * 1000).toLocaleString()}</td>
                <td className="row-actions">
                  <button type="button" data-testid="open" onClick={() => void open(p.id)}>
                    {t("pipelines.open")}
                  </button>
                  <button type="button" data-testid="duplicate" onClick={() => void duplicate(p.id)}>
                    {t("pipelines.duplicate")}
                  </button>
                  <button type="button" data-testid="delete" onClick={() => void remove(p)}>
                    {t("pipelines.delete")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="dialog-actions">
        <button type="button" data-testid="pipelines-close" onClick={() => dialog.current?.close()}>
          {t("pipelines.close")}
        </button>
      </div>
    </dialog>
  );
}
