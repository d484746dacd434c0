import Foundation

/// `map` over an array on every core, for CPU-bound work such as signature checks.
public enum ParallelMap {
    public static func map<T: Sendable, R: Sendable>(_ items: [T], minimumPerChunk: Int = 16, _ transform: @Sendable (T) -> R) -> [R] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard items.count >= minimumPerChunk * 2, cores > 1 else { return items.map(transform) }
        let chunks = min(cores, items.count / minimumPerChunk)
        let results = ResultSlots<R>(count: items.count)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let range = (items.count * chunk / chunks)..<(items.count * (chunk + 1) / chunks)
            for index in range { results.set(index, transform(items[index])) }
        }
        return results.values
    }

    /// Slots written once each, by index, from several threads; read after all writers finished.
    final class ResultSlots<R>: @unchecked Sendable {
        private let slots: UnsafeMutableBufferPointer<R?>
        init(count: Int) { slots = .allocate(capacity: count); slots.initialize(repeating: nil) }
        deinit { slots.deinitialize(); slots.deallocate() }
        func set(_ index: Int, _ value: R) { slots[index] = value }
        var values: [R] { slots.map { $0! } }
    }
}
