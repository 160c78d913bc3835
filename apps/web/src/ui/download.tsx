/**
 * A button that downloads a file the API makes (PDF, CSV). The request needs the bearer token, so the
 * file is fetched, then handed to the browser under the name the server gave it.
 */
import { useState } from 'preact/hooks';
import { ApiError, getFile } from '../api';
import { useText } from '../i18n';
import { ErrorMessage } from './page';

const TEXT = {
  fr: { busy: 'Préparation…', done: (name: string) => `Fichier ${name} téléchargé.` },
  en: { busy: 'Preparing…', done: (name: string) => `File ${name} downloaded.` },
};

export function DownloadButton(props: {
  path: string;
  label: string;
  fallbackName: string;
  primary?: boolean;
}) {
  const text = useText(TEXT);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const download = async () => {
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const { blob, name } = await getFile(props.path);
      const fileName = name ?? props.fallbackName;
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = fileName;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setSaved(fileName);
    } catch (caught: unknown) {
      setError(caught instanceof ApiError ? caught : new ApiError({ status: 0, detail: String(caught) }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="csv-download">
      <button
        type="button"
        class={props.primary ? 'primary' : 'secondary'}
        disabled={busy}
        onClick={() => void download()}
      >
        {busy ? text.busy : props.label}
      </button>
      <span role="status" class="ok">
        {saved ? text.done(saved) : ''}
      </span>
      {error && <ErrorMessage error={error} />}
    </div>
  );
}
