// Vite's ambient types: CSS side-effect imports and import.meta.env, which tsconfig.web.json's empty `types` leaves out.
/// <reference types="vite/client" />
