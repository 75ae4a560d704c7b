import { AccountPicker } from './account-picker.tsx';

export function AppHeader() {
  return (
    <header className="app-header">
      <h1 className="app-name">Ferry</h1>
      <AccountPicker />
    </header>
  );
}
