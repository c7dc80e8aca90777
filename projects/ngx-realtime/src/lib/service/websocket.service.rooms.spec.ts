import { TestBed } from '@angular/core/testing';
import { withProtocol } from '../config/provide-realtime';
import { nativeProtocol } from '../protocol/native-protocol';
import { protocolRooms } from '../protocol/protocol-rooms';
import type { RealtimeProtocol } from '../protocol/realtime-protocol';
import { setup, tickToRetry } from './websocket-service-test-bed.spec';

/** The native protocol with rooms added, so the fake server's sockets can carry joins. */
export function nativeWithRooms(): RealtimeProtocol {
  const native = nativeProtocol();
  return {
    ...native,
    name: 'native-with-rooms',
    capabilities: { ...native.capabilities, rooms: true },
    rooms: protocolRooms({
      join: (rooms) => JSON.stringify({ type: 'join', rooms }),
      leave: (rooms) => JSON.stringify({ type: 'leave', rooms }),
    }),
  };
}

const roomFrames = (sentRaw: string[]) =>
  sentRaw.map((text) => JSON.parse(text) as { type: string; rooms?: string[] }).filter((f) => f.type === 'join' || f.type === 'leave');

describe('WebSocketService rooms', () => {
  afterEach(() => TestBed.resetTestingModule());

  it('joins rooms asked for before connecting once the server is ready, and later ones at once', () => {
    const { service, controller } = setup({ features: [withProtocol(nativeWithRooms())] });
    service.join('orders', 'user:7');
    service.connect('t');
    const connection = controller.expectConnection();
    connection.accept();
    expect(roomFrames(connection.sentRaw)).toEqual([]); // not before the server accepted the connection
    connection.open();
    expect(roomFrames(connection.sentRaw)).toEqual([{ type: 'join', rooms: ['orders', 'user:7'] }]);
    service.join('orders', 'alerts');
    service.leave('user:7');
    expect(roomFrames(connection.sentRaw).slice(1)).toEqual([
      { type: 'join', rooms: ['alerts'] },
      { type: 'leave', rooms: ['user:7'] },
    ]);
    expect(service.rooms()).toEqual(['orders', 'alerts']);
  });

  it('joins every room again after a reconnect, since the server forgot them', () => {
    const { service, controller } = setup({ features: [withProtocol(nativeWithRooms())] });
    service.connect('t');
    const first = controller.connection.open();
    service.join('orders');
    service.join('alerts');
    first.drop();
    tickToRetry(service, controller);
    const second = controller.expectConnection().open();
    expect(roomFrames(second.sentRaw)).toEqual([{ type: 'join', rooms: ['orders', 'alerts'] }]);
  });

  it('remembers rooms across disconnect() and connect()', () => {
    const { service, controller } = setup({ features: [withProtocol(nativeWithRooms())] });
    service.connect('t');
    controller.connection.open();
    service.join('orders');
    service.disconnect();
    service.connect('t');
    const again = controller.expectConnection().open();
    expect(roomFrames(again.sentRaw)).toEqual([{ type: 'join', rooms: ['orders'] }]);
  });

  it('throws an ngx-realtime: error on a protocol without rooms, and for empty names', () => {
    const { service } = setup();
    expect(() => service.join('orders')).toThrowError(/^ngx-realtime: join\(\) needs a protocol with rooms, and the native protocol has none\./);
    expect(() => service.leave('orders')).toThrowError(/^ngx-realtime: leave\(\) needs a protocol with rooms/);
    TestBed.resetTestingModule();
    // Saying it has rooms is not enough: the protocol must bring them (protocolRooms()).
    const { rooms: _, ...saysRoomsGivesNone } = nativeWithRooms();
    const claimed = setup({ features: [withProtocol(saysRoomsGivesNone)] });
    expect(() => claimed.service.join('orders')).toThrowError(/^ngx-realtime: join\(\) needs a protocol with rooms, and the native-with-rooms protocol has none\./);
    TestBed.resetTestingModule();
    const withRooms = setup({ features: [withProtocol(nativeWithRooms())] });
    expect(() => withRooms.service.join('')).toThrowError(/^ngx-realtime: join\(\) takes non-empty room names/);
    expect(withRooms.service.rooms()).toEqual([]);
  });

  it('sends nothing on a connection that cannot send (a stream), and joins once a socket is back', () => {
    const protocol = nativeWithRooms();
    const { service, controller } = setup({ features: [withProtocol(protocol)] });
    service.join('orders');
    service.connect('t');
    controller.expectConnection().refuse();
    const stream = controller.expectStream().open();
    expect(stream.state).toBe('open');
    expect(service.connectionState().transport).toBe('sse');
  });
});
