import { BatchBoundary } from './batch-boundary';

describe('BatchBoundary', () => {
  it('runs work queued during a group once the outermost group ends, in order, and at once outside a group', () => {
    const boundary = new BatchBoundary();
    const log: string[] = [];
    boundary.afterBatch(() => log.push('outside'));
    expect(log).toEqual(['outside']);
    boundary.run(() => {
      expect(boundary.open).toBeTrue();
      boundary.afterBatch(() => log.push('first'));
      boundary.run(() => boundary.afterBatch(() => log.push('nested')));
      log.push('delivered');
      boundary.afterBatch(() => log.push('second'));
    });
    expect(log).toEqual(['outside', 'delivered', 'first', 'nested', 'second']);
    expect(boundary.open).toBeFalse();
  });

  it('runs work a callback queues, and the others when one throws, reporting the error apart', async () => {
    const boundary = new BatchBoundary();
    const log: string[] = [];
    await jasmine.spyOnGlobalErrorsAsync(async (globalErrors) => {
      boundary.run(() => {
        boundary.afterBatch(() => {
          log.push('a');
          // Delivering again from a callback (a reducer that emits) makes a group of its own.
          boundary.run(() => boundary.afterBatch(() => log.push('inner')));
        });
        boundary.afterBatch(() => {
          throw new Error('boom');
        });
        boundary.afterBatch(() => log.push('b'));
      });
      expect(log).toEqual(['a', 'inner', 'b']);
      await new Promise((resolve) => setTimeout(resolve));
      expect(globalErrors).toHaveBeenCalledOnceWith(jasmine.objectContaining({ message: 'boom' }));
    });
  });
});
