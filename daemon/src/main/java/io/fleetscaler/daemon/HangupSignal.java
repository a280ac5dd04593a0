package io.fleetscaler.daemon;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Runs an action on SIGHUP. The JDK has no public signal API; {@code sun.misc.Signal} (module
 * {@code jdk.unsupported}, kept for exactly this use) is reached by reflection because javac warns
 * on every direct use of it and the build treats warnings as errors.
 */
final class HangupSignal {
  private HangupSignal() {}

  @SuppressWarnings("ReferenceEquality") // a handler equals only itself, as Object.equals says
  private static boolean same(Object a, Object b) {
    return a == b;
  }

  /**
   * Installs {@code action} as the SIGHUP handler; it runs on the JVM's signal thread, so it should
   * hand work off rather than block.
   *
   * @return false when this JVM offers no way to handle signals (the action will never run)
   */
  static boolean install(Runnable action) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object signal = signalClass.getConstructor(String.class).newInstance("HUP");
      InvocationHandler onSignal =
          (Object proxy, Method method, Object[] args) -> {
            if (method.getName().equals("handle")) {
              action.run();
              return null;
            }
            // The JDK only ever calls handle; Object's methods are answered by identity.
            return switch (method.getName()) {
              case "toString" -> "fleetscaler SIGHUP handler";
              case "hashCode" -> System.identityHashCode(proxy);
              case "equals" -> same(proxy, args[0]);
              default -> throw new UnsupportedOperationException(method.getName());
            };
          };
      Object handler =
          Proxy.newProxyInstance(
              HangupSignal.class.getClassLoader(), new Class<?>[] {handlerClass}, onSignal);
      signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
      return true;
    } catch (ReflectiveOperationException | IllegalArgumentException e) {
      return false;
    }
  }
}
