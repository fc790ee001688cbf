import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api";
import { differences, useConflict, type Conflict } from "../conflict";
import { copyId } from "../spec";
import { useEditor } from "../store";
import "./dialogs.css";


/** Shown when a save finds a newer version: both versions, and a choice that loses nothing unknowingly. */
export function ConflictDialog() {
  const conflict = useConflict((s) => s.conflict);
  return conflict ? <ConflictChoice key={conflict.etag ?? "gone"} conflict={conflict} /> : null;
}

function ConflictChoice({ conflict }: { conflict: Conflict }) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string | null>(null);
  const { mine, theirs, etag } = conflict;
  const changes = theirs ? differences(mine, theirs) : [];

  useEffect(() => {
    dialog.current?.showModal(); // modal: focus moves in, Esc cancels
  }, []);
  const close = () => useConflict.setState({ conflict: null });

  const act = async (action: () => Promise<void>) => {
    try {
      setError(null);
      await action();
      close();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };

  const overwrite = async () => {
    const open = useEditor.getState().open;
    if (etag && theirs && open) {
      // Save again on top of their version, now that the user has seen it; a newer one reopens this dialog.
      useEditor.setState({ open: { ...open, etag } });
      close();
      await useEditor.getState().save();
      return;
    }
    await act(async () => {
      const newEtag = await api.createPipeline(mine); // theirs was deleted: mine comes back
      useEditor.setState({ open: { document: mine, etag: newEtag }, dirty: false, status: { key: "topbar.saved" } });
    });
  };

  const saveCopy = () =>
    act(async () => {
      const id = copyId(mine.id, new Set((await api.listPipelines()).map((p) => p.id)));
      await api.createPipeline({ ...mine, id });
      useEditor.setState({ pipelines: await api.listPipelines(), dirty: false });
      await useEditor.getState().openPipeline(id);
      useEditor.setState({ status: { key: "conflict.copied", values: { id } } });
    });

  const reload = () =>
    act(async () => {
      useEditor.setState({ dirty: false });
      if (theirs) await useEditor.getState().openPipeline(mine.id);
    });

  return (
    <dialog ref={dialog} className="jimu-dialog conflict-dialog" data-testid="conflict-dialog" onClose={close}>
      <h2>{t("conflict.title")}</h2>
      <p>{theirs ? t("conflict.explain", { id: mine.id }) : t("conflict.deleted", { id: mine.id })}</p>
      {changes.length > 0 && (
        <ul className="conflict-changes" data-testid="conflict-changes">
          {changes.map((change) => (
            <li key={`${change.node}:${change.what}`} className={`change-${change.kind}`}>
              {t(`conflict.${change.node ? "node" : "field"}.${change.kind}`, { what: change.what })}
            </li>
          ))}
        </ul>
      )}
      <div className="conflict-versions">
        <section>
          <h3>{t("conflict.mine")}</h3>
          <pre data-testid="conflict-mine">{JSON.stringify(mine, null, 2)}</pre>
        </section>
        <section>
          <h3>{t("conflict.theirs")}</h3>
          <pre data-testid="conflict-theirs">{theirs ? JSON.stringify(theirs, null, 2) : t("conflict.none")}</pre>
        </section>
      </div>
      {error && (
        <p className="dialog-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" data-testid="conflict-overwrite" onClick={() => void overwrite()}>
          {t("conflict.overwrite")}
        </button>
        <button type="button" data-testid="conflict-copy" onClick={() => void saveCopy()}>
          {t("conflict.copy")}
        </button>
        {theirs && (
          <button
            type="button"
            data-testid="conflict-reload"
            onClick={() => window.confirm(t("conflict.reloadConfirm")) && void reload()}
          >
            {t("conflict.reload")}
          </button>
        )}
        <button type="button" data-testid="conflict-cancel" onClick={() => dialog.current?.close()}>
          {t("conflict.cancel")}
        </button>
      </div>
    </dialog>
  );
}
