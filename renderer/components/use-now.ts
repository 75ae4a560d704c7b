import { useEffect, useState } from 'react';

/** The clock a rename preview reads, once a second, so {ss} and {timestamp} move as the user watches. */
export function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
