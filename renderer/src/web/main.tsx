import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

function ChatPlaceholder() {
  return <p>The web chat page is being built.</p>;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ChatPlaceholder />
  </StrictMode>,
);
