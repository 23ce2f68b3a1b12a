package io.lava.jdbc;

import io.lava.jdbc.internal.request.DataSourceSettings;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.Set;
import javax.naming.Context;
import javax.naming.Name;
import javax.naming.NamingException;
import javax.naming.RefAddr;
import javax.naming.Reference;
import javax.naming.spi.ObjectFactory;
import javax.sql.DataSource;

/**
 * JNDI object factory for {@link LavaPgDataSource}: turns the {@link Reference} made by
 * {@link LavaPgDataSource#getReference()}, or a container's resource definition, back into a data source.
 *
 * <p>Each reference address is a setting named as its setter's property ({@code realm}, {@code connId}, {@code url},
 * {@code awsRegion}, {@code recordTtl}, {@code ApplicationName}, {@code pgProperties}, ...). A Tomcat resource:
 *
 * <pre>{@code
 * <Resource name="jdbc/warehouse" type="javax.sql.DataSource" factory="io.lava.jdbc.LavaPgDataSourceFactory"
 *           realm="prod" connId="warehouse" awsRegion="eu-west-1" ApplicationName="reports"/>
 * }</pre>
 *
 * <p>The container's own attributes ({@code auth}, {@code scope}, {@code singleton}, {@code description},
 * {@code closeMethod}, {@code factory}, {@code type}, {@code name}) are ignored; any other unknown name is an error,
 * so a misspelt setting is not silently dropped. Values are checked at lookup with the types and ranges of
 * {@link LavaPgProperty}, the same rules a connect applies. Stateless and thread-safe.
 */
public class LavaPgDataSourceFactory implements ObjectFactory {
    private static final Set<String> CONTAINER_ATTRIBUTES = Set.of("auth", "scope", "singleton", "description",
            "closeMethod", "factory", "type", "name");

    /** Creates the factory; JNDI does this by class name. */
    public LavaPgDataSourceFactory() {
    }

    /**
     * Builds a data source from a reference.
     *
     * @param obj a {@link Reference} whose class name is {@link LavaPgDataSource} or {@link DataSource}
     * @param name ignored
     * @param nameCtx ignored
     * @param environment ignored
     * @return a new {@link LavaPgDataSource} with every address applied, or {@code null} when {@code obj} is not such a
     *     reference (JNDI then tries other factories)
     * @throws NamingException naming the address, its value and what it takes, when the address is not a setting or
     *     its value is not allowed: a driver property outside its {@link LavaPgProperty} type and range (the message
     *     also names the range and the default); a pgjdbc number that is not a whole number; a pgjdbc boolean that is
     *     not {@code true}/{@code false}; malformed {@code pgProperties}
     */
    @Override
    public Object getObjectInstance(Object obj, Name name, Context nameCtx, Hashtable<?, ?> environment)
            throws NamingException {
        if (!(obj instanceof Reference reference)) {
            return null;
        }
        String className = reference.getClassName();
        if (!LavaPgDataSource.class.getName().equals(className) && !DataSource.class.getName().equals(className)) {
            return null;
        }
        LavaPgDataSource dataSource = new LavaPgDataSource();
        for (Enumeration<RefAddr> addresses = reference.getAll(); addresses.hasMoreElements(); ) {
            RefAddr address = addresses.nextElement();
            Object content = address.getContent();
            String setting = address.getType();
            if (CONTAINER_ATTRIBUTES.contains(setting) && !DataSourceSettings.ALL.contains(setting)) {
                continue;
            }
            try {
                dataSource.setFromString(setting, content == null ? null : content.toString());
            } catch (IllegalArgumentException e) {
                NamingException failure = new NamingException("LavaPgDataSourceFactory: " + e.getMessage());
                failure.setRootCause(e);
                throw failure;
            }
        }
        return dataSource;
    }
}
