using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

// Microsoft.Azure.Functions.Worker.Extensions.ServiceBus, which declares these two attributes, is not in the package
// feed this app builds from. They are declared here with the package's names, namespace, constructors and properties,
// deriving directly from the Extensions.Abstractions base classes as the package's do (the worker SDK reads the
// binding type from the class name: serviceBusTrigger, serviceBus). When the package can be restored, referencing it
// and deleting this file is the whole change: the functions and the bridge read the attributes by name and shape.

namespace Microsoft.Azure.Functions.Worker;

/// <summary>Triggers a function with the messages of a Service Bus queue, or of a topic's subscription.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class ServiceBusTriggerAttribute : TriggerBindingAttribute
{
    public ServiceBusTriggerAttribute(string queueName) => QueueName = queueName;

    public ServiceBusTriggerAttribute(string topicName, string subscriptionName)
    {
        TopicName = topicName;
        SubscriptionName = subscriptionName;
    }

    public string? QueueName { get; }

    public string? TopicName { get; }

    public string? SubscriptionName { get; }

    /// <summary>The app setting (or setting prefix, for an identity) of the namespace.</summary>
    public string? Connection { get; set; }

    public bool IsSessionsEnabled { get; set; }

    /// <summary>Whether the function takes a batch of messages instead of one.</summary>
    public bool IsBatched { get; set; }

    /// <summary>Whether the host completes a message when the function succeeds.</summary>
    public bool AutoCompleteMessages { get; set; } = true;
}

/// <summary>Sends a function's output to a Service Bus queue or topic: on the method, its return value; on a property of the returned class, that property.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Property | AttributeTargets.ReturnValue)]
public sealed class ServiceBusOutputAttribute(string queueOrTopicName) : OutputBindingAttribute
{
    public string QueueOrTopicName { get; } = queueOrTopicName;

    /// <summary>The app setting (or setting prefix, for an identity) of the namespace.</summary>
    public string? Connection { get; set; }
}
