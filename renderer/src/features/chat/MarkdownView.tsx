import ReactMarkdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';

import { CopyAction } from './CopyAction';

interface HastNode {
  type: string;
  value?: string;
  children?: HastNode[];
}

/** The plain text under a syntax-tree node (a code block's source). */
function nodeText(node: HastNode | undefined): string {
  if (!node) return '';
  if (node.type === 'text') return node.value ?? '';
  return (node.children ?? []).map(nodeText).join('');
}

const components: Components = {
  a: ({ children, href }) => (
    <a href={href} target="_blank" rel="noreferrer noopener">
      {children}
    </a>
  ),
  // Every code block gets its own Copy button.
  pre: ({ children, node }) => (
    <div className="md-code">
      <pre>{children}</pre>
      <CopyAction text={nodeText(node as HastNode | undefined).replace(/\n$/, '')} label="Copy code" className="code-copy" />
    </div>
  ),
  table: ({ children }) => (
    <div className="md-table">
      <table>{children}</table>
    </div>
  ),
};

/** Renders assistant markdown (GFM tables, lists, code). Raw HTML is not rendered. Loaded lazily by `Markdown`. */
export default function MarkdownView({ text }: { text: string }) {
  return (
    <div className="md">
      <ReactMarkdown remarkPlugins={[remarkGfm]} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
