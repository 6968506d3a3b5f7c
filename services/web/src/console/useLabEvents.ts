import { useEffect, useState } from 'react';
import { ApiError, getLabFrame } from '../api';
import type { LabFrame } from './lab-frame';

export interface LabEvents {
  frame: LabFrame | undefined;
  /** connecting: no frame yet; live: frames arrive; lost: the stream broke, EventSource retries; failed: the lab cannot be read. */
  state: 'connecting' | 'live' | 'lost' | 'failed';
  message: string | undefined;
}

/**
 * The lab's frames as the BFF pushes them (server-sent events from /api/lab/events): the BFF reads
 * the lab only while this is open, so the page never polls. A stream the BFF refuses (503: not
 * started by frank up) is not retried by EventSource; its reason is read once and shown, and the
 * stream is tried again later.
 */
export function useLabEvents(url = '/api/lab/events', retryMs = 5000): LabEvents {
  const [events, setEvents] = useState<LabEvents>({ frame: undefined, state: 'connecting', message: undefined });

  useEffect(() => {
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let closed = false;
    const open = () => {
      source = new EventSource(url);
      source.addEventListener('frame', (event) => {
        const frame = JSON.parse((event as MessageEvent<string>).data) as LabFrame;
        setEvents({ frame, state: 'live', message: undefined });
      });
      source.addEventListener('lab-error', (event) => {
        const { message } = JSON.parse((event as MessageEvent<string>).data) as { message: string };
        setEvents((now) => ({ ...now, state: 'failed', message }));
      });
      source.onerror = () => {
        if (source?.readyState !== EventSource.CLOSED) {
          setEvents((now) => ({ ...now, state: 'lost', message: 'The connection to the lab was lost; reconnecting…' }));
          return;
        }
        source.close();
        // Refused outright: ask once why, then try again later.
        getLabFrame().then(
          (frame) => !closed && setEvents({ frame, state: 'lost', message: 'The live stream was refused; showing one frame and trying again…' }),
          (error: unknown) => !closed && setEvents((now) => ({ ...now, state: 'failed', message: error instanceof ApiError ? error.message : String(error) })),
        );
        retry = setTimeout(open, retryMs);
      };
    };
    open();
    return () => {
      closed = true;
      clearTimeout(retry);
      source?.close();
    };
  }, [url, retryMs]);

  return events;
}
