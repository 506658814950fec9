using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Plie.Workflow.Expressions;
using Plie.Workflow.Model;

namespace Plie.Workflow.Parsing;

/// <summary>
/// Reads BPMN 2.0 XML with Camunda 7 extension attributes into a <see cref="ProcessModel"/>. Never throws on bad
/// input: every problem is reported as a <see cref="ValidationError"/> naming the element.
/// </summary>
public static class BpmnParser
{
    public static readonly XNamespace Bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    public static readonly XNamespace Camunda = "http://camunda.org/schema/1.0/bpmn";
    private static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    /// <summary>Elements that carry no behaviour and are skipped.</summary>
    private static readonly HashSet<string> Ignored =
    [
        "documentation", "extensionElements", "laneSet", "textAnnotation", "association", "dataObject",
        "dataObjectReference", "dataStoreReference", "group", "category", "ioSpecification", "property",
        "dataInputAssociation", "dataOutputAssociation", "incoming", "outgoing",
    ];

    private static readonly string[] JavaScriptLanguages = ["javascript", "js", "ecmascript"];

    /// <summary>How deep sub-processes may nest; reading is recursive, so a deeper document could exhaust the stack.</summary>
    public const int MaxSubProcessDepth = 100;

    public static ParseResult Parse(string? xml)
    {
        var errors = new List<ValidationError>();
        if (string.IsNullOrWhiteSpace(xml))
            return new ParseResult(null, [new ValidationError(null, "Le document est vide.")]);
        XDocument doc;
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = 20_000_000 };
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            doc = XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            return new ParseResult(null, [new ValidationError(null, $"XML invalide (ligne {e.LineNumber}, colonne {e.LinePosition}) : {e.Message}")]);
        }

        var root = doc.Root!;
        if (root.Name != Bpmn + "definitions")
            return new ParseResult(null, [new ValidationError(null,
                $"L'élément racine doit être bpmn:definitions (espace de noms {Bpmn}), pas « {root.Name.LocalName} ».")]);

        var processes = root.Elements(Bpmn + "process").ToList();
        var executable = processes.Where(p => (string?)p.Attribute("isExecutable") == "true").ToList();
        if (executable.Count == 0 && processes.Count == 1) executable = processes;
        if (executable.Count == 0)
            return new ParseResult(null, [new ValidationError(null, "Aucun processus exécutable (bpmn:process isExecutable=\"true\").")]);
        if (executable.Count > 1)
            return new ParseResult(null, [new ValidationError(null,
                $"Un seul processus exécutable par modèle : {string.Join(", ", executable.Select(p => (string?)p.Attribute("id")))}.")]);

        var messages = root.Elements(Bpmn + "message")
            .Where(m => m.Attribute("id") is not null)
            .GroupBy(m => (string)m.Attribute("id")!)
            .ToDictionary(g => g.Key, g => (string?)g.First().Attribute("name"));
        var bpmnErrors = root.Elements(Bpmn + "error")
            .Where(m => m.Attribute("id") is not null)
            .GroupBy(m => (string)m.Attribute("id")!)
            .ToDictionary(g => g.Key, g => (string?)g.First().Attribute("errorCode") ?? (string?)g.First().Attribute("name"));

        var process = executable[0];
        var processId = (string?)process.Attribute("id");
        if (string.IsNullOrWhiteSpace(processId))
            return new ParseResult(null, [new ValidationError(null, "Le processus n'a pas d'identifiant (attribut id).")]);

        var context = new Context(errors, messages, bpmnErrors);
        var rootScope = new FlowScope(null);
        context.ReadScope(process, rootScope);
        context.Link();
        if (errors.Count > 0)
            return new ParseResult(null, errors)
            {
                // When every element and flow could be read (only details are wrong), the graph is whole: the deploy
                // check can then report structural problems (unreachable nodes…) in the same answer.
                Partial = context.GraphIsWhole
                    ? new ProcessModel(processId, (string?)process.Attribute("name"), rootScope, context.Nodes, context.Flows)
                    : null,
            };
        var model = new ProcessModel(processId, (string?)process.Attribute("name"), rootScope, context.Nodes, context.Flows);
        return new ParseResult(model, errors);
    }

    private sealed class Context(List<ValidationError> errors, Dictionary<string, string?> messages, Dictionary<string, string?> bpmnErrors)
    {
        public readonly Dictionary<string, FlowNode> Nodes = new(StringComparer.Ordinal);
        public readonly Dictionary<string, SequenceFlow> Flows = new(StringComparer.Ordinal);
        private readonly List<(XElement Element, FlowScope Scope)> _flowElements = [];
        private readonly List<(XElement Element, FlowScope Scope)> _boundaryElements = [];
        private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
        /// <summary>Elements refused with an error: flows and boundary events naming them add no second error.</summary>
        private readonly HashSet<string> _refused = new(StringComparer.Ordinal);

        private void Error(string? id, string message) => errors.Add(new ValidationError(id, message));

        public void ReadScope(XElement container, FlowScope scope, int depth = 0)
        {
            foreach (var e in container.Elements())
            {
                if (e.Name.Namespace != Bpmn)
                    continue; // foreign extension elements outside extensionElements are ignored
                var kind = e.Name.LocalName;
                if (Ignored.Contains(kind)) continue;
                var id = (string?)e.Attribute("id");
                if (string.IsNullOrWhiteSpace(id))
                {
                    Error(null, $"Un élément {kind} n'a pas d'identifiant (ligne {Line(e)}).");
                    continue;
                }
                if (!_ids.Add(id))
                {
                    Error(id, $"Identifiant en double : « {id} ».");
                    continue;
                }
                switch (kind)
                {
                    case "sequenceFlow":
                        _flowElements.Add((e, scope));
                        break;
                    case "boundaryEvent":
                        _boundaryElements.Add((e, scope));
                        break;
                    default:
                        var node = ReadNode(e, kind, id, scope);
                        if (node is null)
                        {
                            _refused.Add(id);
                            break;
                        }
                        Nodes[id] = node;
                        scope.Nodes.Add(node);
                        if (node is not SubProcess sub) break;
                        if (depth >= MaxSubProcessDepth)
                            Error(id, $"Les sous-processus sont imbriqués trop profondément ({MaxSubProcessDepth} niveaux au plus).");
                        else ReadScope(e, sub.Body, depth + 1);
                        break;
                }
            }
        }

        private FlowNode? ReadNode(XElement e, string kind, string id, FlowScope scope)
        {
            var name = (string?)e.Attribute("name");
            var asyncBefore = Bool(e, Camunda + "asyncBefore") || Bool(e, Camunda + "async");
            var retry = ReadRetryCycle(e, id);
            var mi = ReadMultiInstance(e, id);
            switch (kind)
            {
                case "startEvent":
                {
                    var (timer, message) = ReadEventTrigger(e, id, allowError: false);
                    if (OtherDefinition(e, "timerEventDefinition", "messageEventDefinition") is { } other)
                        Error(id, $"Événement de début de type {EventKind(other)} non pris en charge : seuls les événements de début simples, minuterie et message le sont.");
                    return new StartEvent { Id = id, Name = name, Scope = scope, Timer = timer, MessageName = message, AsyncBefore = asyncBefore };
                }
                case "endEvent":
                {
                    var endKind = EndEventKind.None;
                    string? code = null;
                    if (HasDefinition(e, "terminateEventDefinition")) endKind = EndEventKind.Terminate;
                    else if (Definition(e, "errorEventDefinition") is { } err)
                    {
                        endKind = EndEventKind.Error;
                        code = ErrorCode(err, id);
                    }
                    else if (OtherDefinition(e) is { } other)
                        Error(id, $"Événement de fin de type {EventKind(other)} non pris en charge : seuls les événements de fin simples, « terminer » et erreur le sont.");
                    return new EndEvent { Id = id, Name = name, Scope = scope, Kind = endKind, ErrorCode = code };
                }
                case "userTask":
                    return new UserTask
                    {
                        Id = id, Name = name, Scope = scope, AsyncBefore = asyncBefore, RetryCycle = retry, MultiInstance = mi,
                        Assignee = CheckedExpression(Attr(e, Camunda + "assignee"), id, "camunda:assignee"),
                        CandidateGroups = CheckedExpression(Attr(e, Camunda + "candidateGroups"), id, "camunda:candidateGroups"),
                        CandidateUsers = CheckedExpression(Attr(e, Camunda + "candidateUsers"), id, "camunda:candidateUsers"),
                        DueDate = CheckedTime(Attr(e, Camunda + "dueDate"), id, "camunda:dueDate"),
                        FollowUpDate = CheckedTime(Attr(e, Camunda + "followUpDate"), id, "camunda:followUpDate"),
                        Priority = CheckedPriority(Attr(e, Camunda + "priority"), id),
                        FormKey = Attr(e, Camunda + "formKey"),
                        FormFields = ReadFormFields(e, id),
                    };
                case "serviceTask":
                {
                    var type = Attr(e, Camunda + "type");
                    var topic = Attr(e, Camunda + "topic");
                    if (type != "external" || string.IsNullOrWhiteSpace(topic))
                    {
                        var impl = new[] { "class", "expression", "delegateExpression" }.FirstOrDefault(a => e.Attribute(Camunda + a) is not null);
                        Error(id, impl is not null
                            ? $"camunda:{impl} n'est pas pris en charge : une tâche de service appelle un traitement par camunda:type=\"external\" et camunda:topic."
                            : "Une tâche de service doit avoir camunda:type=\"external\" et un camunda:topic qui nomme le traitement à appeler.");
                        return null;
                    }
                    var io = e.Element(Bpmn + "extensionElements")?.Element(Camunda + "inputOutput");
                    return new ServiceTask
                    {
                        Id = id, Name = name, Scope = scope, AsyncBefore = asyncBefore, RetryCycle = retry, MultiInstance = mi,
                        Topic = topic,
                        Inputs = ReadParameters(io, "inputParameter", id),
                        Outputs = ReadParameters(io, "outputParameter", id),
                    };
                }
                case "exclusiveGateway":
                case "parallelGateway":
                case "inclusiveGateway":
                    return new Gateway
                    {
                        Id = id, Name = name, Scope = scope, AsyncBefore = asyncBefore, RetryCycle = retry,
                        Kind = kind switch { "exclusiveGateway" => GatewayKind.Exclusive, "parallelGateway" => GatewayKind.Parallel, _ => GatewayKind.Inclusive },
                        DefaultFlowId = Attr(e, "default"),
                    };
                case "intermediateCatchEvent":
                {
                    var (timer, message) = ReadEventTrigger(e, id, allowError: false);
                    if (timer is null && message is null)
                    {
                        Error(id, "Un événement intermédiaire doit attendre une minuterie ou un message.");
                        return null;
                    }
                    return new IntermediateCatchEvent { Id = id, Name = name, Scope = scope, Timer = timer, MessageName = message, AsyncBefore = asyncBefore, RetryCycle = retry };
                }
                case "subProcess":
                    if (Bool(e, "triggeredByEvent"))
                    {
                        Error(id, "Les sous-processus événementiels ne sont pas pris en charge.");
                        return null;
                    }
                    if (mi is not null) Error(id, "L'instance multiple n'est prise en charge que sur les tâches utilisateur, les tâches de service et les activités d'appel.");
                    return new SubProcess { Id = id, Name = name, Scope = scope, AsyncBefore = asyncBefore, RetryCycle = retry };
                case "callActivity":
                {
                    var called = Attr(e, "calledElement");
                    if (string.IsNullOrWhiteSpace(called))
                    {
                        Error(id, "Une activité d'appel doit nommer le processus appelé (calledElement).");
                        return null;
                    }
                    var ext = e.Element(Bpmn + "extensionElements");
                    var ins = ext?.Elements(Camunda + "in").ToList() ?? [];
                    var outs = ext?.Elements(Camunda + "out").ToList() ?? [];
                    return new CallActivity
                    {
                        Id = id, Name = name, Scope = scope, AsyncBefore = asyncBefore, RetryCycle = retry, MultiInstance = mi,
                        CalledElement = called,
                        InAll = ins.Any(x => (string?)x.Attribute("variables") == "all"),
                        In = Mappings(ins, id),
                        OutAll = outs.Any(x => (string?)x.Attribute("variables") == "all"),
                        Out = Mappings(outs, id),
                    };
                }
                default:
                    Error(id, $"Type d'élément non pris en charge : {kind}" + kind switch
                    {
                        "task" => " (choisissez une tâche utilisateur ou une tâche de service).",
                        "eventBasedGateway" or "complexGateway" => " (utilisez une passerelle exclusive, parallèle ou inclusive).",
                        _ => ".",
                    });
                    return null;
            }
        }

        private List<(string, string)> Mappings(List<XElement> elements, string id)
        {
            var result = new List<(string, string)>();
            foreach (var x in elements.Where(x => (string?)x.Attribute("variables") != "all"))
            {
                var source = (string?)x.Attribute("source") ?? (string?)x.Attribute("sourceExpression");
                var target = (string?)x.Attribute("target");
                if (string.IsNullOrWhiteSpace(source) || string.IsNullOrWhiteSpace(target))
                    Error(id, "Un passage de variable (camunda:in/out) doit avoir source et target.");
                else result.Add((CheckedExpression(source, id, "camunda:in/out")!, target));
            }
            return result;
        }

        private IReadOnlyList<VariableMapping> ReadParameters(XElement? io, string kind, string id)
        {
            if (io is null) return [];
            var result = new List<VariableMapping>();
            foreach (var p in io.Elements(Camunda + kind))
            {
                var name = (string?)p.Attribute("name");
                if (string.IsNullOrWhiteSpace(name))
                {
                    Error(id, $"Un paramètre camunda:{kind} n'a pas de nom.");
                    continue;
                }
                if (p.HasElements)
                {
                    Error(id, $"Le paramètre « {name} » : seules les valeurs texte ou ${{expression}} sont prises en charge (pas de script, liste ou table).");
                    continue;
                }
                var value = p.Value;
                if (ScriptEvaluator.IsExpression(value) && ScriptEvaluator.SyntaxError(ScriptEvaluator.ToJavaScript(value)) is { } err)
                    Error(id, $"Le paramètre « {name} » ne se lit pas : {err}");
                result.Add(new VariableMapping(name, value));
            }
            return result;
        }

        private IReadOnlyList<FormField> ReadFormFields(XElement e, string id)
        {
            var formData = e.Element(Bpmn + "extensionElements")?.Element(Camunda + "formData");
            if (formData is null) return [];
            var fields = new List<FormField>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var f in formData.Elements(Camunda + "formField"))
            {
                var fieldId = (string?)f.Attribute("id");
                if (string.IsNullOrWhiteSpace(fieldId))
                {
                    Error(id, "Un champ de formulaire (camunda:formField) n'a pas d'identifiant.");
                    continue;
                }
                if (!seen.Add(fieldId)) Error(id, $"Le champ de formulaire « {fieldId} » est en double.");
                var type = (string?)f.Attribute("type") ?? "string";
                if (type is not ("string" or "long" or "boolean" or "date" or "enum"))
                    Error(id, $"Le champ « {fieldId} » a un type non pris en charge : {type} (string, long, boolean, date, enum).");
                var required = f.Element(Camunda + "validation")?.Elements(Camunda + "constraint")
                    .Any(c => (string?)c.Attribute("name") == "required" && (string?)c.Attribute("config") != "false") ?? false;
                var options = f.Elements(Camunda + "value")
                    .Select(v => new FormFieldOption((string?)v.Attribute("id") ?? "", (string?)v.Attribute("name") ?? (string?)v.Attribute("id") ?? ""))
                    .ToList();
                if (type == "enum" && options.Count == 0) Error(id, $"Le champ « {fieldId} » de type enum n'a aucune valeur.");
                fields.Add(new FormField(fieldId, (string?)f.Attribute("label"), type, required, (string?)f.Attribute("defaultValue"), options));
            }
            return fields;
        }

        private MultiInstance? ReadMultiInstance(XElement e, string id)
        {
            var mi = e.Element(Bpmn + "multiInstanceLoopCharacteristics");
            if (mi is null)
            {
                if (e.Element(Bpmn + "standardLoopCharacteristics") is not null)
                    Error(id, "Les boucles standard ne sont pas prises en charge (utilisez l'instance multiple).");
                return null;
            }
            var collection = CheckedExpression(Attr(mi, Camunda + "collection"), id, "camunda:collection");
            var cardinality = mi.Element(Bpmn + "loopCardinality")?.Value.Trim();
            if (!string.IsNullOrEmpty(cardinality) && !ScriptEvaluator.IsExpression(cardinality)
                && !int.TryParse(cardinality, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                Error(id, $"loopCardinality « {cardinality} » : attendu un nombre entier ou une ${{expression}}.");
            CheckedExpression(cardinality, id, "loopCardinality");
            if (string.IsNullOrEmpty(collection) && string.IsNullOrEmpty(cardinality))
                Error(id, "L'instance multiple doit avoir une collection (camunda:collection) ou un nombre d'instances (loopCardinality).");
            var completion = mi.Element(Bpmn + "completionCondition")?.Value.Trim();
            return new MultiInstance
            {
                IsSequential = Bool(mi, "isSequential"),
                Collection = collection,
                ElementVariable = Attr(mi, Camunda + "elementVariable"),
                LoopCardinality = string.IsNullOrEmpty(cardinality) ? null : cardinality,
                CompletionCondition = string.IsNullOrEmpty(completion) ? null : CheckedScript(completion, id, "la condition de fin"),
            };
        }

        private RetryCycle? ReadRetryCycle(XElement e, string id)
        {
            var text = e.Element(Bpmn + "extensionElements")?.Element(Camunda + "failedJobRetryTimeCycle")?.Value.Trim();
            if (string.IsNullOrEmpty(text)) return null;
            if (IsoTime.TryParseCycle(text, out var cycle) && cycle.Repetitions is { } n && cycle.Interval.Years == 0 && cycle.Interval.Months == 0)
                return new RetryCycle(n, TimeSpan.FromDays(cycle.Interval.Days) + cycle.Interval.Time);
            Error(id, $"camunda:failedJobRetryTimeCycle « {text} » : attendu Rn/durée, par exemple R3/PT10M.");
            return null;
        }

        private (TimerDefinition? Timer, string? Message) ReadEventTrigger(XElement e, string id, bool allowError)
        {
            TimerDefinition? timer = null;
            string? message = null;
            if (Definition(e, "timerEventDefinition") is { } t) timer = ReadTimer(t, id);
            if (Definition(e, "messageEventDefinition") is { } m)
            {
                var reference = (string?)m.Attribute("messageRef");
                if (reference is null || !messages.TryGetValue(reference, out var name) || string.IsNullOrWhiteSpace(name))
                    Error(id, "L'événement message doit référencer un message déclaré avec un nom (bpmn:message name).");
                else message = name;
            }
            return (timer, message);
        }

        private TimerDefinition? ReadTimer(XElement t, string id)
        {
            foreach (var (tag, kind) in new[] { ("timeDuration", TimerKind.Duration), ("timeDate", TimerKind.Date), ("timeCycle", TimerKind.Cycle) })
            {
                var x = t.Element(Bpmn + tag);
                if (x is null) continue;
                var text = x.Value.Trim();
                if (ScriptEvaluator.IsExpression(text))
                {
                    if (ScriptEvaluator.SyntaxError(ScriptEvaluator.ToJavaScript(text)) is { } err)
                        Error(id, $"L'expression de la minuterie ne se lit pas : {err}");
                }
                else
                {
                    var ok = kind switch
                    {
                        TimerKind.Duration => IsoTime.TryParseDuration(text, out _),
                        TimerKind.Date => IsoTime.TryParseDate(text, out _),
                        _ => IsoTime.TryParseCycle(text, out _),
                    };
                    if (!ok)
                        Error(id, kind switch
                        {
                            TimerKind.Duration => $"Durée de minuterie invalide « {text} » (ISO-8601, par exemple P2D ou PT4H).",
                            TimerKind.Date => $"Date de minuterie invalide « {text} » (ISO-8601, par exemple 2026-01-31T09:00:00Z).",
                            _ => $"Cycle de minuterie invalide « {text} » (ISO-8601, par exemple R3/PT1H ; les expressions cron ne sont pas prises en charge).",
                        });
                }
                return new TimerDefinition(kind, text);
            }
            Error(id, "La minuterie doit avoir une durée, une date ou un cycle.");
            return null;
        }

        private string? ErrorCode(XElement definition, string id)
        {
            var reference = (string?)definition.Attribute("errorRef");
            if (reference is null) return null;
            if (!bpmnErrors.TryGetValue(reference, out var code))
            {
                Error(id, $"L'erreur « {reference} » n'est pas déclarée (bpmn:error).");
                return null;
            }
            return code;
        }

        private string? CheckedTime(string? text, string id, string attribute)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            if (ScriptEvaluator.IsExpression(text))
            {
                if (ScriptEvaluator.SyntaxError(ScriptEvaluator.ToJavaScript(text)) is { } err)
                    Error(id, $"{attribute} : l'expression ne se lit pas : {err}");
            }
            else if (!IsoTime.TryParseDuration(text, out _) && !IsoTime.TryParseDate(text, out _))
                Error(id, $"{attribute} « {text} » : attendu une durée (P2D, PT4H), une date ISO-8601 ou une ${{expression}}.");
            return text;
        }

        private string? CheckedPriority(string? text, string id)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            if (!ScriptEvaluator.IsExpression(text) && !int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                Error(id, $"camunda:priority « {text} » : attendu un nombre entier ou une ${{expression}}.");
            return CheckedExpression(text, id, "camunda:priority");
        }

        /// <summary>An attribute evaluated at run time when it is a ${…} expression: it must parse now, not fail then.</summary>
        private string? CheckedExpression(string? text, string id, string attribute)
        {
            if (text is not null && ScriptEvaluator.IsExpression(text) && ScriptEvaluator.SyntaxError(ScriptEvaluator.ToJavaScript(text)) is { } err)
                Error(id, $"{attribute} : l'expression « {text} » ne se lit pas : {err}");
            return text;
        }

        private Expression? CheckedScript(string text, string id, string what)
        {
            var js = ScriptEvaluator.ToJavaScript(text);
            if (js.Length == 0)
            {
                Error(id, $"{char.ToUpperInvariant(what[0])}{what[1..]} est vide.");
                return null;
            }
            if (ScriptEvaluator.SyntaxError(js) is { } err)
            {
                Error(id, $"{char.ToUpperInvariant(what[0])}{what[1..]} ne se lit pas : {err}");
                return null;
            }
            return new Expression(js);
        }

        /// <summary>No node, boundary event or sequence flow was dropped.</summary>
        public bool GraphIsWhole => _refused.Count == 0 && Flows.Count == _flowElements.Count;

        /// <summary>Sequence flows and boundary events, once every node is known.</summary>
        public void Link()
        {
            foreach (var (e, scope) in _boundaryElements)
            {
                var id = (string)e.Attribute("id")!;
                var attachedId = (string?)e.Attribute("attachedToRef");
                if (attachedId is null || !Nodes.TryGetValue(attachedId, out var attached))
                {
                    if (attachedId is null || !_refused.Contains(attachedId))
                        Error(id, $"L'événement de bordure est attaché à un élément inconnu « {attachedId} ».");
                    _refused.Add(id);
                    continue;
                }
                var (timer, message) = ReadEventTrigger(e, id, allowError: true);
                var error = Definition(e, "errorEventDefinition");
                if (message is not null)
                {
                    Error(id, "Les événements de bordure message ne sont pas pris en charge (minuterie et erreur seulement).");
                    _refused.Add(id);
                    continue;
                }
                if (timer is null && error is null)
                {
                    if (!HasDefinition(e, "timerEventDefinition"))
                        Error(id, "Un événement de bordure doit être une minuterie ou une erreur.");
                    _refused.Add(id);
                    continue;
                }
                if (timer is not null && attached is not (UserTask or SubProcess or CallActivity))
                    Error(id, $"Une minuterie de bordure se place sur une tâche utilisateur, un sous-processus ou une activité d'appel, pas sur {attached.ElementType}.");
                if (error is not null && attached is not (ServiceTask or SubProcess or CallActivity))
                    Error(id, $"Une erreur de bordure se place sur une tâche de service, un sous-processus ou une activité d'appel, pas sur {attached.ElementType}.");
                var cancel = (string?)e.Attribute("cancelActivity") != "false";
                if (error is not null && !cancel)
                    Error(id, "Un événement d'erreur de bordure interrompt toujours l'activité (cancelActivity=\"true\").");
                var boundary = new BoundaryEvent
                {
                    Id = id, Name = (string?)e.Attribute("name"), Scope = attached.Scope, AttachedTo = attached,
                    CancelActivity = cancel, Timer = timer, IsError = error is not null,
                    ErrorCode = error is null ? null : ErrorCode(error, id),
                };
                Nodes[id] = boundary;
                attached.Scope.Nodes.Add(boundary);
                attached.Boundaries.Add(boundary);
            }

            foreach (var (e, scope) in _flowElements)
            {
                var id = (string)e.Attribute("id")!;
                var sourceId = (string?)e.Attribute("sourceRef");
                var targetId = (string?)e.Attribute("targetRef");
                if (sourceId is null || !Nodes.TryGetValue(sourceId, out var source))
                {
                    if (sourceId is null || !_refused.Contains(sourceId)) Error(id, $"La séquence part d'un élément inconnu « {sourceId} ».");
                    continue;
                }
                if (targetId is null || !Nodes.TryGetValue(targetId, out var target))
                {
                    if (targetId is null || !_refused.Contains(targetId)) Error(id, $"La séquence mène à un élément inconnu « {targetId} ».");
                    continue;
                }
                if (source.Scope != target.Scope)
                {
                    Error(id, "Une séquence ne peut pas traverser la frontière d'un sous-processus.");
                    continue;
                }
                Expression? condition = null;
                if (e.Element(Bpmn + "conditionExpression") is { } c)
                {
                    var language = ((string?)c.Attribute("language"))?.Trim().ToLowerInvariant();
                    var text = c.Value.Trim();
                    if (c.Attribute(Camunda + "resource") is not null)
                        Error(id, "Les conditions dans une ressource externe (camunda:resource) ne sont pas prises en charge.");
                    else if (language is not null && !JavaScriptLanguages.Contains(language))
                        Error(id, $"Langage de condition non pris en charge : {language} (JavaScript ou ${{expression}}).");
                    else if (language is null && !ScriptEvaluator.IsExpression(text) && text.Length > 0)
                        condition = CheckedScript(text, id, "la condition");
                    else if (text.Length > 0)
                        condition = CheckedScript(text, id, "la condition");
                    else Error(id, "La condition est vide.");
                }
                var flow = new SequenceFlow { Id = id, Name = (string?)e.Attribute("name"), Source = source, Target = target, Condition = condition };
                Flows[id] = flow;
                source.Outgoing.Add(flow);
                target.Incoming.Add(flow);
            }
        }

        private static bool HasDefinition(XElement e, string name) => e.Element(Bpmn + name) is not null;

        /// <summary>The first event definition of <paramref name="e"/> that is not one of <paramref name="supported"/>.</summary>
        private static string? OtherDefinition(XElement e, params string[] supported) => e.Elements()
            .Select(c => c.Name)
            .FirstOrDefault(n => n.Namespace == Bpmn && n.LocalName.EndsWith("EventDefinition", StringComparison.Ordinal) && !supported.Contains(n.LocalName))
            ?.LocalName;

        private static string EventKind(string definition) => definition switch
        {
            "signalEventDefinition" => "signal",
            "errorEventDefinition" => "erreur",
            "escalationEventDefinition" => "escalade",
            "conditionalEventDefinition" => "conditionnel",
            "compensateEventDefinition" => "compensation",
            "linkEventDefinition" => "lien",
            "cancelEventDefinition" => "annulation",
            "messageEventDefinition" => "message",
            "timerEventDefinition" => "minuterie",
            _ => definition,
        };
        private static XElement? Definition(XElement e, string name) => e.Element(Bpmn + name);
        private static string? Attr(XElement e, XName name) => ((string?)e.Attribute(name))?.Trim() is { Length: > 0 } s ? s : null;
        private static bool Bool(XElement e, XName name) => string.Equals((string?)e.Attribute(name), "true", StringComparison.OrdinalIgnoreCase);
        private static int Line(XElement e) => (e as IXmlLineInfo).LineNumber;
    }
}

/// <summary>
/// The model, or the errors. When the XML could be read but some elements are wrong, <see cref="Partial"/> holds what
/// was read (never to be run; it lets the deploy check list every problem at once).
/// </summary>
public sealed record ParseResult(ProcessModel? Model, IReadOnlyList<ValidationError> Errors)
{
    public ProcessModel? Partial { get; init; }
}
