import NIOCore
import Synchronization
import TandemStore

/// Records as the API shows them (`RecordsController.view`, without where a search matched),
/// kept by stamp: a record's view stays the same while its stamp does, so a read of a record
/// already shown, alone or in a page, needs neither its document nor its rendering again.
/// Bounded: when full it starts again empty.
final class RenderedRecords: Sendable {
    private let views = Mutex<[Int64: (stamp: RecordStamp, view: ByteBuffer)]>([:])
    let capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    /// The view made for `stamp`, if any.
    func view(for stamp: RecordStamp) -> ByteBuffer? {
        views.withLock { views in views[stamp.seq].flatMap { $0.stamp == stamp ? $0.view : nil } }
    }

    /// The view of `record`: the one made for its stamp, or a new one, kept.
    func view(of record: StoredRecord) -> ByteBuffer {
        let stamp = record.stamp
        if let view = view(for: stamp) { return view }
        let view = ByteBuffer(string: RecordsController.view(record))
        views.withLock { views in
            if views.count >= capacity { views.removeAll(keepingCapacity: true) }
            views[stamp.seq] = (stamp, view)
        }
        return view
    }
}
