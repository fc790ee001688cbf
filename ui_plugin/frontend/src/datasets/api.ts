// The datasets API: describe a dataset field's value, list stored uploads, upload a file with progress.
import { ApiError, failure, request } from "../api";

export interface DatasetColumn {
  name: string;
  type: string; // in words: integer, number, text, yes/no, date, date-time
}

export interface Dataset {
  id: string;
  name: string;
  bytes: number;
  rows: number;
  columns: DatasetColumn[];
  uri: string;
  added_at: string;
  bundled: boolean; // a file the template ships, not an upload
}

export interface DatasetPreview extends Dataset {
  preview: Record<string, unknown>[];
  new: boolean;
}

/** The upload refused: the server's words in both languages. */
export class UploadRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly messageZh: string | null,
  ) {
    super(message);
  }
}

export async function describeDataset(uri: string): Promise<DatasetPreview> {
  return (await request(`datasets/describe?uri=${encodeURIComponent(uri)}`)).json();
}

export async function listDatasets(): Promise<Dataset[]> {
  return (await request("datasets")).json();
}

/** Uploads `file`; `progress(sent, total)` hears the body going out (fetch cannot report that; XHR can). */
export function uploadDataset(file: File, progress: (sent: number, total: number) => void): Promise<DatasetPreview> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "api/datasets");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (event) => progress(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText));
      else void refusal(xhr).then(reject);
    };
    xhr.onerror = () => reject(new UploadRefused(0, "the server did not answer", null));
    const body = new FormData();
    body.append("file", file, file.name);
    xhr.send(body);
  });
}

// The refusal's message in both languages: a 422 names them; any other status has the English words only.
async function refusal(xhr: XMLHttpRequest): Promise<UploadRefused> {
  const error: ApiError = await failure(new Response(xhr.responseText, { status: xhr.status }));
  const zh = error.detail.message_zh;
  const words = typeof error.detail.message === "string" ? error.detail.message : error.message;
  return new UploadRefused(xhr.status, words, typeof zh === "string" ? zh : null);
}
