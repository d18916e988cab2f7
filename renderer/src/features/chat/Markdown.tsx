import { lazy, Suspense } from 'react';

/** react-markdown, remark-gfm and their parsers (a quarter of the page's script) load with the first answer. */
const MarkdownView = lazy(() => import('./MarkdownView'));

/**
 * Renders assistant markdown (GFM tables, lists, code). Raw HTML is not rendered. Until the
 * markdown code has loaded (the first time only), the text shows as is.
 */
export function Markdown({ text }: { text: string }) {
  return (
    <Suspense
      fallback={
        <div className="md">
          <p style={{ whiteSpace: 'pre-wrap' }}>{text}</p>
        </div>
      }
    >
      <MarkdownView text={text} />
    </Suspense>
  );
}
