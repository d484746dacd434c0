import Logging
import ServiceLifecycle

/// Runs the sync job every `interval` (±20% jitter, so a cohort's nodes do not pull in step) for
/// as long as the node serves; a graceful shutdown stops it between runs or cancels the run's requests.
public struct SyncService: Service {
    let job: SyncJob
    let interval: Duration
    let logger: Logger
    let firstRunAfter: Duration?

    /// `firstRunAfter`: when the first run comes (default: soon after start, jittered).
    public init(job: SyncJob, interval: Duration, logger: Logger, firstRunAfter: Duration? = nil) {
        self.job = job
        self.interval = interval
        self.logger = logger
        self.firstRunAfter = firstRunAfter
    }

    public func run() async throws {
        // The first run comes soon after start, still jittered.
        var wait = firstRunAfter ?? min(interval, .seconds(30)) * Double.random(in: 0.1...0.3)
        while !Task.isCancelledOrShuttingDown {
            do {
                let delay = wait
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
            } catch {
                return
            }
            if Task.isCancelledOrShuttingDown { return }
            await runOnce()
            wait = interval * Double.random(in: 0.8...1.2)
        }
    }

    func runOnce() async {
        let logger = logger
        do {
            let reports = try await job.run { report in
                if report.succeeded {
                    logger.info("sync \(report.line)")
                } else {
                    logger.warning("sync \(report.line)")
                }
            }
            logger.info("sync run done: \(reports.count { $0.succeeded }) of \(reports.count) peers synced")
        } catch {
            logger.warning("sync skipped: \(error)")
        }
    }
}

extension Task where Success == Never, Failure == Never {
    static var isCancelledOrShuttingDown: Bool { Task.isCancelled || Task.isShuttingDownGracefully }
}
