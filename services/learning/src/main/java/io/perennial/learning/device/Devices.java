package io.perennial.learning.device;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * Chooses the compute device once per JVM: the first GPU when DJL's PyTorch engine finds one, else the
 * CPU. The choice is logged once.
 *
 * <p>Set {@code -Dperennial.device=cpu} to force the CPU on a GPU machine.
 */
public final class Devices {

    private static final Logger LOG = LoggerFactory.getLogger(Devices.class);
    private static volatile Device selected;

    private Devices() {
    }

    /**
     * Returns the selected device, choosing it on the first call.
     *
     * @return the device every Perennial array is created on
     */
    public static Device select() {
        Device d = selected;
        if (d == null) {
            synchronized (Devices.class) {
                d = selected;
                if (d == null) {
                    Engine engine = Engine.getEngine("PyTorch");
                    int gpus = "cpu".equalsIgnoreCase(System.getProperty("perennial.device")) ? 0 : engine.getGpuCount();
                    d = gpus > 0 ? Device.gpu() : Device.cpu();
                    LOG.info("Perennial learning device: {} (engine {} {}, {} GPU(s) visible, {} intra-op threads)",
                            d, engine.getEngineName(), engine.getVersion(), gpus, ThreadSettings.currentThreads());
                    selected = d;
                }
            }
        }
        return d;
    }
}
