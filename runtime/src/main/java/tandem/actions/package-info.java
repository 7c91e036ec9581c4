/**
 * Acting on the machine: managed services and the virtual IP. Nothing here decides; every method
 * does what the engine's Decision asked and reports, and a failure is an
 * {@link tandem.actions.ActionException} with a sentence naming what failed and why, which becomes a
 * failed {@link tandem.facts.ActionResult}.
 *
 * <ul>
 *   <li>{@link tandem.actions.ManagedService} (MS-1, SBS-10): {@link tandem.actions.SystemdService},
 *       {@link tandem.actions.WindowsService} (JNA), {@link tandem.actions.CommandService},
 *       {@link tandem.actions.ProcessService}; {@link tandem.actions.ServiceSet} starts them in config
 *       order, stops them in reverse and sets their start mode to manual.</li>
 *   <li>{@link tandem.actions.VirtualIp} (MS-6): {@link tandem.actions.LinuxVip},
 *       {@link tandem.actions.WindowsVip}, picked by {@link tandem.actions.VirtualIps}.</li>
 *   <li>{@link tandem.os.Commands}: every program Tandem runs goes through it, so tests answer
 *       with a fake; {@link tandem.os.SystemCommands} is the real one.</li>
 * </ul>
 *
 * <p>This is the only package that uses JNA.
 */
package tandem.actions;
