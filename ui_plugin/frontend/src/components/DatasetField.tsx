// The form widget of a `format: dataset` field: the data it names, an upload (picker or drop) with
// progress, a list of data already uploaded, and the first rows with each column's type.
import type { WidgetProps } from "@rjsf/utils";
import type { TFunction } from "i18next";
import { useCallback, useEffect, useRef, useState, type DragEvent } from "react";
import { useTranslation } from "react-i18next";
import {
  describeDataset,
  listDatasets,
  UploadRefused,
  uploadDataset,
  type Dataset,
  type DatasetPreview,
} from "../datasets/api";
import { useShownDatasets } from "../datasets/shown";
import { DatasetTable } from "./DatasetTable";
import "./DatasetField.css";

const ACCEPTED = ".csv,.tsv,.xlsx,.parquet";

interface Upload {
  name: string;
  sent: number;
  total: number;
}

function refusalWords(error: UploadRefused, language: string, t: TFunction): string {
  if (error.status === 413) return t("datasets.tooBig"); // the size limit answers before the file is read: no Chinese
  if (error.status === 0) return t("datasets.noAnswer");
  return language === "zh" && error.messageZh ? error.messageZh : error.message;
}

// The last part of a package:// or file URI: how a template's sample data is named before it is read.
function fileName(uri: string): string {
  return uri.split("/").pop() || uri;
}

// An upload's time as the user's clock reads it.
function addedAt(iso: string, language: string): string {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return iso;
  return when.toLocaleString(language === "zh" ? "zh-CN" : "en", { dateStyle: "short", timeStyle: "short" });
}

export function DatasetField({ id, name, label, value, schema, onChange, disabled, readonly }: WidgetProps) {
  const { t, i18n } = useTranslation();
  const uri = typeof value === "string" ? value : "";
  const sample = typeof schema.default === "string" ? schema.default : null;
  const [shown, setShown] = useState<DatasetPreview | null>(null);
  const [missing, setMissing] = useState(false);
  const [stored, setStored] = useState<Dataset[]>([]);
  const [upload, setUpload] = useState<Upload | null>(null);
  const [refusal, setRefusal] = useState<UploadRefused | null>(null);
  const [dragging, setDragging] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const locked = disabled || readonly || upload !== null;

  const refreshStored = useCallback(() => {
    listDatasets()
      .then(setStored)
      .catch(() => setStored([])); // the list is a convenience: the upload still works without it
  }, []);
  useEffect(refreshStored, [refreshStored]);

  // A value the widget did not just upload (a default, a pick) is described by the server.
  useEffect(() => {
    if (uri === "" || shown?.uri === uri) return;
    let current = true;
    setMissing(false);
    describeDataset(uri)
      .then((dataset) => current && setShown(dataset))
      .catch(() => {
        if (!current) return;
        setShown(null);
        setMissing(true);
      });
    return () => {
      current = false;
    };
  }, [uri]); // eslint-disable-line react-hooks/exhaustive-deps -- `shown` is read, not followed

  // Column fields bound to this one follow what it shows.
  const show = useShownDatasets((s) => s.show);
  const forget = useShownDatasets((s) => s.forget);
  const setUploading = useShownDatasets((s) => s.setUploading);
  useEffect(() => {
    if (shown && shown.uri === uri) show(name, shown);
    else forget(name);
  }, [shown, uri, name, show, forget]);
  useEffect(() => () => forget(name), [name, forget]);
  useEffect(() => setUploading(name, upload !== null), [name, upload, setUploading]);

  const send = (file: File) => {
    setRefusal(null);
    setUpload({ name: file.name, sent: 0, total: file.size });
    uploadDataset(file, (sent, total) => setUpload({ name: file.name, sent, total }))
      .then((dataset) => {
        setShown(dataset);
        setMissing(false);
        onChange(dataset.uri);
        refreshStored();
      })
      .catch((error: unknown) => {
        // The previous choice stays: a refused file changes nothing but this message.
        setRefusal(error instanceof UploadRefused ? error : new UploadRefused(0, String(error), null));
      })
      .finally(() => setUpload(null));
  };

  const drop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file && !locked) send(file);
  };

  const choices = [
    ...(sample ? [{ uri: sample, label: t("datasets.sample", { name: fileName(sample) }) }] : []),
    ...stored.map((d) => ({
      uri: d.uri,
      label: t("datasets.storedOption", { name: d.name, rows: d.rows.toLocaleString(), added: addedAt(d.added_at, i18n.language) }),
    })),
  ];
  const picked = choices.some((c) => c.uri === uri) ? uri : "";
  const percent = upload && upload.total > 0 ? Math.round((100 * upload.sent) / upload.total) : 0;
  const sending = upload !== null && upload.sent < upload.total;

  return (
    // A group named by the field's label: the label's `for` lands here, not on one of its controls.
    <div id={id} role="group" aria-label={label} className="dataset-field" data-testid="dataset-field" data-field-name={name} data-uri={shown?.uri ?? ""}>
      <p className="dataset-current" data-testid="dataset-current" aria-live="polite">
        {shown && shown.uri === uri ? (
          <>
            <span>{t("datasets.current", { name: shown.name, rows: shown.rows.toLocaleString(), columns: shown.columns.length })}</span>
            <span className={shown.bundled ? "dataset-badge bundled" : "dataset-badge"}>
              {shown.bundled ? t("datasets.bundled") : t("datasets.uploaded")}
            </span>
          </>
        ) : missing ? (
          <span className="dataset-missing">{t("datasets.unknown")}</span>
        ) : (
          uri !== "" && <span className="dialog-hint">{t("datasets.loading")}</span>
        )}
      </p>
      <div
        className={dragging ? "dataset-drop dragging" : "dataset-drop"}
        data-testid="dataset-drop"
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
      >
        <button type="button" onClick={() => picker.current?.click()} disabled={locked}>
          {t("datasets.choose")}
        </button>
        {upload ? (
          // In the box's own line, so nothing below moves while a file goes up.
          <span className="dataset-progress" role="status" data-testid="dataset-progress">
            {/* Once every byte is sent the server reads the file: an indeterminate bar, still moving. */}
            <progress max={100} value={sending ? percent : undefined} />
            <span>{sending ? t("datasets.uploading", { name: upload.name, percent }) : t("datasets.reading", { name: upload.name })}</span>
          </span>
        ) : (
          <span className="dialog-hint">{dragging ? t("datasets.dropHere") : t("datasets.drop")}</span>
        )}
        <input
          ref={picker}
          type="file"
          accept={ACCEPTED}
          hidden
          data-testid="dataset-file"
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = ""; // the same file chosen again after a fix is a new choice
            if (file) send(file);
          }}
        />
      </div>
      {refusal && (
        <p className="dialog-error dataset-refused" role="alert" data-testid="dataset-refused">
          {t("datasets.refused", { message: refusalWords(refusal, i18n.language, t) })}
        </p>
      )}
      {choices.length > 0 && (
        <label className="dataset-pick">
          {t("datasets.pick")}
          <select
            data-testid="dataset-pick"
            value={picked}
            disabled={locked}
            onChange={(event) => {
              if (!event.target.value) return;
              setRefusal(null); // another choice made: the earlier refusal is old news
              onChange(event.target.value);
            }}
          >
            {picked === "" && <option value="">{t("datasets.pickNone")}</option>}
            {choices.map((choice) => (
              <option key={choice.uri} value={choice.uri}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
      )}
      {shown && shown.uri === uri && <DatasetTable dataset={shown} />}
    </div>
  );
}
