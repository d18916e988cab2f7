import { HealthPanel } from '../features/health/HealthPanel';

/** The admin view. Features are composed here and never import each other. */
export function App() {
  return (
    <div className="app">
      <header className="topbar">
        <h1>Tallyfy MCP Gateway</h1>
      </header>
      <main className="content">
        <HealthPanel />
      </main>
    </div>
  );
}
