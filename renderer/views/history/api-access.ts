// The history and accounts views talk to the contract directly; the api comes from the app's context.
export { useApi as useFerryApi } from '../../state/app-context.tsx';
